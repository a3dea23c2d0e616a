// Every request has an ID: the client's X-Request-Id when it is a sane token,
// else a new UUID. It is echoed in the response, sent upstream and logged.
import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import { recordOf } from "../request-record.js";

export const REQUEST_ID_HEADER = "x-request-id";

/** Visible ASCII, no spaces: safe to echo in a header and to log. */
const ACCEPTABLE_ID = /^[\x21-\x7e]{1,200}$/;

export function requestIdFrom(headerValue: string | null): string {
  return headerValue !== null && ACCEPTABLE_ID.test(headerValue) ? headerValue : randomUUID();
}

export function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      recordOf(request).requestId = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
    },
    onResponse({ request, response }) {
      const record = recordOf(request);
      // Requests that yoga answers before the plugins' onRequest (/health) get their ID here.
      if (record.requestId === "") record.requestId = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
      response.headers.set(REQUEST_ID_HEADER, record.requestId);
    },
  };
}
