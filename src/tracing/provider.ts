// The OpenTelemetry SDK, set up from TracingSettings: a tracer provider with
// the configured sampler, a batch span processor (exports leave the request
// path: ending a span only appends it to a bounded queue) and an OTLP/HTTP
// exporter speaking protobuf or JSON. The provider is not registered
// globally: the gateway parents its spans explicitly, so no context manager
// (AsyncLocalStorage) runs for every promise, and libraries that trace through
// the global API (e.g. @apollo/gateway in tests) are left alone.
// main.ts imports this module only when tracing is on.
import { createRequire } from "node:module";
import { ROOT_CONTEXT, type Context, type TextMapGetter } from "@opentelemetry/api";
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { jsonLine } from "../server/log.js";
import type { TracingSettings } from "./settings.js";
import type { Tracing } from "./tracing.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };
const INSTRUMENTATION_SCOPE = "workload-share-gateway";
/** How often a collector that keeps failing is reported on stderr. */
const FAILURE_REPORT_INTERVAL_MS = 60_000;

export function samplerFor({ name, ratio }: TracingSettings["sampler"]): Sampler {
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

type LineWriter = (line: string) => void;
const stderrLine: LineWriter = (line) => process.stderr.write(`${line}\n`);

/** A short, safe name for why an export failed: an errno or HTTP status, never a message or header. */
function failureName(error: Error | undefined): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" || typeof code === "number") return String(code);
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (typeof cause === "string") return cause;
  return error?.name ?? "unknown";
}

/**
 * Passes every batch to the OTLP exporter and tells the operator, on stderr,
 * when exports start failing (then at most once a minute) and when they
 * resume. The batch processor drops a batch that failed; the next one is
 * tried as usual, so exports resume by themselves when the collector is back.
 */
export class ReportingExporter implements SpanExporter {
  private failing = false;
  private lastReport = 0;
  private failedSpans = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly write: LineWriter = stderrLine,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.failing) this.write(jsonLine({ level: "info", msg: "trace export resumed", droppedSpans: this.failedSpans }));
        this.failing = false;
        this.failedSpans = 0;
      } else {
        this.failedSpans += spans.length;
        const now = Date.now();
        if (!this.failing || now - this.lastReport >= FAILURE_REPORT_INTERVAL_MS) {
          this.write(jsonLine({ level: "warn", msg: "trace export failed", error: failureName(result.error), droppedSpans: this.failedSpans }));
          this.lastReport = now;
        }
        this.failing = true;
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function otlpExporter(settings: TracingSettings): SpanExporter {
  const options = { url: settings.endpoint, headers: settings.headers, timeoutMillis: settings.timeoutMs };
  return settings.protocol === "http/json" ? new JsonTraceExporter(options) : new ProtobufTraceExporter(options);
}

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

export function startTracing(settings: TracingSettings, exporter: SpanExporter = otlpExporter(settings)): Tracing {
  // Ours, then OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME (the specification's order; envDetector applies the last two).
  const resource = resourceFromAttributes({ "service.name": settings.serviceName, "service.version": version }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new BasicTracerProvider({
    resource,
    sampler: samplerFor(settings.sampler),
    spanProcessors: [new BatchSpanProcessor(new ReportingExporter(exporter), settings.batch)],
  });
  const tracer = provider.getTracer(INSTRUMENTATION_SCOPE, version);
  const propagator = new W3CTraceContextPropagator();
  let stopped: Promise<void> | null = null;
  return {
    tracer,
    extract: (headers) => propagator.extract(ROOT_CONTEXT, headers, headerGetter),
    inject(context: Context) {
      const carrier: Record<string, string> = {};
      propagator.inject(context, carrier, { set: (c, key, value) => (c[key] = value) });
      return carrier;
    },
    shutdown: () => (stopped ??= provider.shutdown().catch(() => undefined)),
  };
}
