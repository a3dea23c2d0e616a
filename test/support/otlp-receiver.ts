// A test-only OTLP/HTTP trace receiver on loopback, standing in for a
// collector. It decodes what it gets with code that shares nothing with the
// gateway's exporter: protobuf with the static decoders protobufjs generated
// from the official opentelemetry-proto files (shipped in
// @opentelemetry/otlp-transformer 0.57, a dev dependency), JSON with
// JSON.parse and the OTLP JSON mapping. It can be down (closed), hang (accept
// exports and never answer) and come back on the same port.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";

export type AttributeKind = "string" | "int" | "double" | "bool" | "array" | "kvlist" | "bytes" | "empty";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  /** How each attribute was encoded on the wire ("int" for an integer). */
  attributeKinds: Record<string, AttributeKind>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  events: { name: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
  scope: string;
}

export interface ReceivedExport {
  path: string;
  headers: IncomingHttpHeaders;
  contentType: string;
  /** The body's bytes, as sent. */
  raw: Buffer;
  spans: ReceivedSpan[];
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;
export const STATUS = { unset: 0, ok: 1, error: 2 } as const;

export interface OtlpReceiver {
  /** Base URL, e.g. http://127.0.0.1:4318 (exports go to {url}/v1/traces by default). */
  url: string;
  port: number;
  exports: ReceivedExport[];
  /** Every span received so far. */
  spans(): ReceivedSpan[];
  /** Resolves with the spans of one trace once `count` of them arrived. */
  waitForSpans(traceId: string, count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** "ok": answer 200; "hang": hold every export without answering. */
  mode: "ok" | "hang";
  /** Stops listening (a collector that is down); held exports are cut. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobufjs's generated static code is untyped here
const generated = createRequire(import.meta.url)("@opentelemetry/otlp-transformer/build/src/generated/root.js") as any;
const ExportTraceServiceRequest = generated.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest as {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
};

interface WireKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

function hex(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.toLowerCase(); // OTLP JSON: hex already
  return Buffer.from(value as Uint8Array).toString("hex");
}

function anyValue(value: Record<string, unknown> | undefined): { kind: AttributeKind; value: unknown } {
  if (value === undefined || Object.keys(value).length === 0) return { kind: "empty", value: null };
  if ("stringValue" in value) return { kind: "string", value: value.stringValue };
  if ("intValue" in value) return { kind: "int", value: Number(value.intValue) };
  if ("doubleValue" in value) return { kind: "double", value: Number(value.doubleValue) };
  if ("boolValue" in value) return { kind: "bool", value: value.boolValue };
  if ("bytesValue" in value) return { kind: "bytes", value: value.bytesValue };
  if ("arrayValue" in value) {
    const values = ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map((v) => anyValue(v).value);
    return { kind: "array", value: values };
  }
  if ("kvlistValue" in value) return { kind: "kvlist", value: attributes((value.kvlistValue as { values?: WireKeyValue[] }).values).values };
  return { kind: "empty", value: null };
}

function attributes(list: WireKeyValue[] | undefined): { values: Record<string, unknown>; kinds: Record<string, AttributeKind> } {
  const values: Record<string, unknown> = {};
  const kinds: Record<string, AttributeKind> = {};
  for (const { key, value } of list ?? []) {
    const decoded = anyValue(value);
    values[key] = decoded.value;
    kinds[key] = decoded.kind;
  }
  return { values, kinds };
}

interface WireRequest {
  resourceSpans?: {
    resource?: { attributes?: WireKeyValue[] };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: {
        traceId?: unknown;
        spanId?: unknown;
        parentSpanId?: unknown;
        name?: string;
        kind?: number;
        attributes?: WireKeyValue[];
        status?: { code?: number; message?: string };
        events?: { name?: string; attributes?: WireKeyValue[] }[];
      }[];
    }[];
  }[];
}

function spansOf(request: WireRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const resource = attributes(rs.resource?.attributes).values;
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span): ReceivedSpan => {
        const { values, kinds } = attributes(span.attributes);
        return {
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name ?? "",
          kind: Number(span.kind ?? 0),
          attributes: values,
          attributeKinds: kinds,
          status: { code: Number(span.status?.code ?? 0), message: span.status?.message ?? "" },
          events: (span.events ?? []).map((e) => ({ name: e.name ?? "", attributes: attributes(e.attributes).values })),
          resource,
          scope: ss.scope?.name ?? "",
        };
      }),
    );
  });
}

export function decodeExport(contentType: string, raw: Buffer): ReceivedSpan[] {
  if (contentType.startsWith("application/json")) return spansOf(JSON.parse(raw.toString("utf8")) as WireRequest);
  if (contentType.startsWith("application/x-protobuf")) {
    const message = ExportTraceServiceRequest.decode(raw);
    return spansOf(ExportTraceServiceRequest.toObject(message, { longs: Number, enums: Number, defaults: false }) as WireRequest);
  }
  throw new Error(`unexpected content-type ${contentType}`);
}

export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const exportsReceived: ReceivedExport[] = [];
  const waiters = new Set<() => void>();
  const held = new Set<import("node:http").ServerResponse>();
  let server: Server;

  const receiver: OtlpReceiver = {
    url: "",
    port: 0,
    exports: exportsReceived,
    mode: "ok",
    spans: () => exportsReceived.flatMap((e) => e.spans),
    waitForSpans(traceId, count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const spans = receiver.spans().filter((s) => s.traceId === traceId);
          if (spans.length < count) return false;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(spans);
          return true;
        };
        const waiter = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = receiver.spans().filter((s) => s.traceId === traceId).length;
          reject(new Error(`waited ${timeoutMs} ms for ${count} spans of trace ${traceId}, got ${seen}`));
        }, timeoutMs);
        waiters.add(waiter);
        check();
      });
    },
    async stop() {
      for (const res of held) res.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async restart() {
      await listen(receiver.port);
    },
    async close() {
      if (server.listening) await receiver.stop();
    },
  };

  async function listen(onPort: number): Promise<void> {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        const contentType = req.headers["content-type"] ?? "";
        let spans: ReceivedSpan[];
        try {
          spans = decodeExport(contentType, raw);
        } catch (error) {
          res.writeHead(400, { "content-type": "text/plain" });
          res.end(String(error));
          return;
        }
        if (receiver.mode === "hang") {
          held.add(res);
          return;
        }
        exportsReceived.push({ path: req.url ?? "", headers: req.headers, contentType, raw, spans });
        for (const waiter of [...waiters]) waiter();
        const json = contentType.startsWith("application/json");
        res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
        res.end(json ? "{}" : undefined);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(onPort, "127.0.0.1", () => resolve());
    });
    receiver.port = (server.address() as AddressInfo).port;
    receiver.url = `http://127.0.0.1:${receiver.port}`;
  }

  await listen(port);
  return receiver;
}

/** The spans of one trace as a tree check: the one span of each kind, by name. */
export function byKind(spans: ReceivedSpan[], kind: number): ReceivedSpan[] {
  return spans.filter((s) => s.kind === kind);
}
