// CORS for browser apps on other origins: an allow-list (CORS_ORIGINS), or
// any origin in development when none is configured. A disallowed origin gets
// no CORS headers at all, so the browser withholds the response from it.
import type { Plugin } from "graphql-yoga";

/** The CSRF-prevention headers, one of which a GET needs: yoga's own and what Apollo Client sends. */
export const CSRF_PREVENTION_HEADERS = ["x-graphql-yoga-csrf", "apollo-require-preflight", "x-apollo-operation-name"];

export const CORS_ALLOWED_HEADERS = [
  "content-type",
  "authorization",
  "idempotency-key",
  "x-request-id",
  "traceparent",
  "tracestate",
  ...CSRF_PREVENTION_HEADERS,
];
export const CORS_EXPOSED_HEADERS = ["x-request-id"];
const CORS_METHODS = ["GET", "POST", "OPTIONS"];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface CorsPolicy {
  /** null: no browser origin at all; "*" in the list: any origin. */
  origins: readonly string[] | null;
}

/** CORS_ORIGINS as configured (null when unset) → the policy for the environment. */
export function corsPolicy(corsOrigins: readonly string[] | null, production: boolean): CorsPolicy {
  if (corsOrigins !== null) return { origins: corsOrigins };
  return { origins: production ? null : ["*"] };
}

function isAllowed(policy: CorsPolicy, origin: string): boolean {
  if (policy.origins === null) return false;
  return policy.origins.includes("*") || policy.origins.includes(origin.toLowerCase());
}

function grant(headers: Headers, origin: string, preflight: boolean): void {
  headers.set("access-control-allow-origin", origin);
  headers.set("access-control-allow-credentials", "true");
  headers.set("access-control-expose-headers", CORS_EXPOSED_HEADERS.join(", "));
  if (preflight) {
    headers.set("access-control-allow-methods", CORS_METHODS.join(", "));
    headers.set("access-control-allow-headers", CORS_ALLOWED_HEADERS.join(", "));
    headers.set("access-control-max-age", String(PREFLIGHT_MAX_AGE_SECONDS));
  }
}

export function useCors(policy: CorsPolicy): Plugin {
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      if (request.method !== "OPTIONS") return;
      // Preflight: 204 either way; only an allowed origin gets the grant headers (added in onResponse).
      endResponse(new fetchAPI.Response(null, { status: 204, headers: { "content-length": "0" } }));
    },
    onResponse({ request, response }) {
      const origin = request.headers.get("origin");
      if (origin !== null) response.headers.append("vary", "Origin");
      if (origin === null || !isAllowed(policy, origin)) return;
      grant(response.headers, origin, request.method === "OPTIONS");
    },
  };
}
