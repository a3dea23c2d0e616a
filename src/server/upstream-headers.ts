// The only request headers that travel upstream, from an allow-list: the
// request ID, W3C trace context (the incoming one, when the gateway traces
// nothing itself) and, in AUTH_MODE=forward only, the caller's Authorization.
// Cookies, hop-by-hop and every other header stay here.
import type { AuthMode } from "../config.js";

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;
const AUTHORIZATION = /^[\x20-\x7e]{1,8192}$/;

export function upstreamHeaders(
  request: Request,
  requestId: string,
  authMode: AuthMode,
  forwardTraceContext = true,
): Record<string, string> {
  const headers: Record<string, string> = { "x-request-id": requestId };
  const traceparent = forwardTraceContext ? request.headers.get("traceparent") : null;
  if (traceparent !== null && TRACEPARENT.test(traceparent)) {
    headers.traceparent = traceparent;
    const tracestate = request.headers.get("tracestate");
    if (tracestate !== null && TRACESTATE.test(tracestate)) headers.tracestate = tracestate;
  }
  if (authMode === "forward") {
    const authorization = request.headers.get("authorization");
    if (authorization !== null && AUTHORIZATION.test(authorization)) headers.authorization = authorization;
  }
  return headers;
}
