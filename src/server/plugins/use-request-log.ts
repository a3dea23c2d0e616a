// One JSON line per request when its response goes out: request ID,
// operation, trusted-document ID, result types, upstream attempts and
// latency, caller subject.
// Built from an allow-list of fields: never headers, bodies, variables,
// query strings, tokens or client request tokens.
import type { Plugin } from "graphql-yoga";
import { jsonLine, type LogWriter } from "../log.js";
import { afterResponse } from "../after-response.js";
import { recordOf } from "../request-record.js";

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** An http(s) URL whose path holds only characters URL parsing keeps as they are (no dot, percent sign or backslash). */
const PLAIN_PATH_URL = /^https?:\/\/[^/?#\\\s]*(\/[A-Za-z0-9\-_~!$&'()*+,;=:@/]*)(?:[?#]|$)/;

/** `new URL(url).pathname`, read without parsing the URL when its path is plain (the common case). */
export function pathOf(url: string): string {
  return PLAIN_PATH_URL.exec(url)?.[1] ?? new URL(url).pathname;
}
const clip = (text: string): string => (text.length > 100 ? `${text.slice(0, 100)}…` : text);

export function useRequestLog(write: LogWriter): Plugin {
  return {
    onResponse({ request, response }) {
      const record = recordOf(request);
      const at = Date.now();
      const durationMs = round(performance.now() - record.startedAt);
      const status = response.status;
      // The line is built and written after the response has gone out, off the request's latency.
      afterResponse(() => {
        const names = record.operationNames;
        write(
          jsonLine(
            {
              level: "info",
              msg: "request",
              requestId: record.requestId,
              method: request.method,
              path: pathOf(request.url).slice(0, 200),
              status,
              durationMs,
              operationName: names.length === 0 ? null : names.map((n) => clip(n ?? "(anonymous)")).join(","),
              documentId: record.documentIds.length === 0 ? null : record.documentIds.map(clip).join(","),
              rootFields: [...record.rootFields].sort(),
              resultTypes: record.resultTypes,
              errors: record.errorCodes,
              upstream: { attempts: record.upstream.attempts, latencyMs: round(record.upstream.latencyMs) },
              caller: record.caller.subject === null ? null : clip(record.caller.subject),
            },
            at,
          ),
        );
      });
    },
  };
}
