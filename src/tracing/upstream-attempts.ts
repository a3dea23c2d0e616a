// One CLIENT span per upstream attempt, under the GraphQL operation's span,
// and the traceparent that names it on that attempt's request. The upstream
// client calls this through CallOptions.traceAttempt, so a retry is its own
// span with http.request.resend_count, exactly as the retry loop sees it.
import { SpanKind, SpanStatusCode, trace, type Attributes, type Context } from "@opentelemetry/api";
import type { AttemptStart, AttemptTrace } from "../upstream/client.js";
import type { Tracing } from "./tracing.js";

export interface UpstreamEndpoint {
  address: string;
  port: number;
}

/** server.address and server.port of the upstream's origin (the scheme's default port when none is given). */
export function upstreamEndpoint(origin: string): UpstreamEndpoint {
  const url = new URL(origin);
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { address: url.hostname.replace(/^\[(.*)\]$/, "$1"), port };
}

const RPC_SERVICE = "WellArchitected";

export function traceUpstreamAttempts(
  tracing: Tracing,
  parent: Context,
  upstream: UpstreamEndpoint,
): (start: AttemptStart) => AttemptTrace {
  return ({ operation, method, attempt }) => {
    const attributes: Attributes = {
      "http.request.method": method,
      "server.address": upstream.address,
      "server.port": upstream.port,
      "rpc.system": "aws-api",
      "rpc.service": RPC_SERVICE,
      "rpc.method": operation,
    };
    if (attempt > 1) attributes["http.request.resend_count"] = attempt - 1;
    const span = tracing.tracer.startSpan(`${RPC_SERVICE}.${operation}`, { kind: SpanKind.CLIENT, attributes }, parent);
    return {
      headers: tracing.inject(trace.setSpan(parent, span)),
      end({ httpStatus, requestId, failureCode }) {
        if (httpStatus !== null) span.setAttribute("http.response.status_code", httpStatus);
        if (requestId !== null) span.setAttribute("aws.request_id", requestId.slice(0, 200));
        if (httpStatus === null || httpStatus < 200 || httpStatus > 299) {
          // A status code or our own failure code (UPSTREAM_TIMEOUT, ...): never a message or a body.
          const errorType = httpStatus !== null ? String(httpStatus) : (failureCode ?? "UPSTREAM_NO_ANSWER");
          span.setAttribute("error.type", errorType);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
        }
        span.end();
      },
    };
  };
}
