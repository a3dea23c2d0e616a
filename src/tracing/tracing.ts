// What the gateway needs from OpenTelemetry while serving: a tracer, W3C trace
// context in and out, and a flush at the end. provider.ts builds it (only when
// an OTLP endpoint is set); the request path sees this interface alone, so with
// tracing off no OpenTelemetry SDK code is even loaded.
import type { Context, Tracer } from "@opentelemetry/api";

export interface Tracing {
  tracer: Tracer;
  /** The remote parent named by a valid `traceparent` (and its `tracestate`), else the root context. */
  extract(headers: Headers): Context;
  /** `traceparent` (and `tracestate`) naming the span active in `context`. */
  inject(context: Context): Record<string, string>;
  /** Exports what is still queued, then stops; never rejects. */
  shutdown(): Promise<void>;
}
