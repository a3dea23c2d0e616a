// Contract "Tracing (OpenTelemetry)", on the real process (npm start's
// main.ts, spawned) with the standard OTEL_* variables, exporting to a real
// OTLP/HTTP receiver on loopback that decodes protobuf and JSON itself. The
// emulator is the upstream: it records the traceparent of every attempt and
// fails on command (POST /__emulator/faults).
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readConfig, ConfigError } from "../src/config.js";
import type { RunningEmulator } from "../src/emulator/server.js";
import { ExportResultCode } from "@opentelemetry/core";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { startTracing } from "../src/tracing/provider.js";
import { readTracingSettings, type TracingSettings } from "../src/tracing/settings.js";
import { injectFault, resetEmulator, SEEDED, startTestEmulator } from "./support/emulator.js";
import { gql, startGateway } from "./support/gateway.js";
import { mintToken } from "./support/jwks.js";
import { byKind, SPAN_KIND, startOtlpReceiver, STATUS, type OtlpReceiver, type ReceivedSpan } from "./support/otlp-receiver.js";
import { startGatewayProcess, type GatewayProcess } from "./support/process.js";

let emulator: RunningEmulator;
let receiver: OtlpReceiver;

beforeAll(async () => {
  emulator = await startTestEmulator("envelope");
  receiver = await startOtlpReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await emulator?.close();
});

beforeEach(() => resetEmulator(emulator.url));

/** A fresh sampled W3C traceparent. */
function incomingTrace(flags = "01"): { header: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { header: `00-${traceId}-${spanId}-${flags}`, traceId, spanId };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The traceparent of each upstream request the emulator received, parsed. */
function upstreamTraceparents(): { traceId: string; parentId: string; flags: string }[] {
  return emulator.requests
    .filter((r) => r.url.startsWith("/workloads"))
    .map((r) => {
      const match = TRACEPARENT.exec(String(r.headers.traceparent));
      if (!match) throw new Error(`upstream request without a valid traceparent: ${String(r.headers.traceparent)}`);
      return { traceId: match[1] ?? "", parentId: match[2] ?? "", flags: match[3] ?? "" };
    });
}

function one(spans: ReceivedSpan[], kind: number): ReceivedSpan {
  const found = byKind(spans, kind);
  expect(found, `exactly one span of kind ${kind}`).toHaveLength(1);
  return found[0] as ReceivedSpan;
}

/** CLIENT spans in attempt order (resend_count absent on the first). */
function attempts(spans: ReceivedSpan[]): ReceivedSpan[] {
  const count = (s: ReceivedSpan): number => Number(s.attributes["http.request.resend_count"] ?? 0);
  return byKind(spans, SPAN_KIND.client).sort((a, b) => count(a) - count(b));
}

let sharedWithSeq = 100_000_000_000;
const nextAccount = (): string => String(sharedWithSeq++);

const CREATE = `mutation ShareWorkload($input: CreateWorkloadShareInput!) {
  createWorkloadShare(input: $input) {
    __typename
    ... on CreateWorkloadShareSuccess { clientRequestToken share { id } }
    ... on Error { code retryable }
    ... on UpstreamError { httpStatus requestId }
  } }`;

const createInput = (workloadId: string = SEEDED.roomy): Record<string, unknown> => ({
  workloadId,
  sharedWith: nextAccount(),
  permissionType: "READONLY",
});

function tracingEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    UPSTREAM_URL: emulator.url,
    UPSTREAM_MAX_ATTEMPTS: "3",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: "50",
    ...extra,
  };
}

describe("a request's spans (OTLP http/protobuf, the default)", () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess(tracingEnv());
  });
  afterAll(() => gateway?.kill());

  it("the SERVER span is the child of a valid incoming traceparent, with method, path and status (integer)", async () => {
    const incoming = incomingTrace();
    const response = await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    expect(response.body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    const spans = await receiver.waitForSpans(incoming.traceId, 3);
    const server = one(spans, SPAN_KIND.server);
    expect(server.parentSpanId).toBe(incoming.spanId);
    expect(server.name).toBe("POST /graphql");
    expect(server.attributes).toMatchObject({ "http.request.method": "POST", "url.path": "/graphql", "http.response.status_code": 200 });
    expect(server.attributeKinds["http.response.status_code"]).toBe("int");
    expect(server.resource["service.name"]).toBe("workload-share-gateway");
  });

  it("the operation span is under the SERVER span, with graphql.operation.type and graphql.operation.name", async () => {
    const incoming = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    const spans = await receiver.waitForSpans(incoming.traceId, 3);
    const server = one(spans, SPAN_KIND.server);
    const operation = one(spans, SPAN_KIND.internal);
    expect(operation.parentSpanId).toBe(server.spanId);
    expect(operation.name).toBe("mutation ShareWorkload");
    expect(operation.attributes).toEqual({ "graphql.operation.type": "mutation", "graphql.operation.name": "ShareWorkload" });
  });

  it("an anonymous operation's span has its type and no name", async () => {
    const incoming = incomingTrace();
    await gql(gateway.url, `{ workloadShares(workloadId: "${SEEDED.dataLake}") { __typename } }`, {}, { traceparent: incoming.header });
    const operation = one(await receiver.waitForSpans(incoming.traceId, 3), SPAN_KIND.internal);
    expect(operation.name).toBe("query");
    expect(operation.attributes).toEqual({ "graphql.operation.type": "query" });
  });

  it("an upstream attempt is a CLIENT span under the operation span with the contract's attributes (numbers as integers)", async () => {
    const incoming = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    const spans = await receiver.waitForSpans(incoming.traceId, 3);
    const operation = one(spans, SPAN_KIND.internal);
    const client = one(spans, SPAN_KIND.client);
    expect(client.parentSpanId).toBe(operation.spanId);
    expect(client.attributes).toMatchObject({
      "http.request.method": "POST",
      "server.address": "127.0.0.1",
      "server.port": Number(new URL(emulator.url).port),
      "http.response.status_code": 200,
      "rpc.method": "CreateWorkloadShare",
    });
    expect(client.attributes["http.request.resend_count"]).toBeUndefined();
    expect(client.attributes["aws.request_id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.attributeKinds["server.port"]).toBe("int");
    expect(client.attributeKinds["http.response.status_code"]).toBe("int");
    expect(client.status.code).not.toBe(STATUS.error);
  });

  it("the upstream request's traceparent carries the trace ID and names its attempt's CLIENT span", async () => {
    const incoming = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    const client = one(await receiver.waitForSpans(incoming.traceId, 3), SPAN_KIND.client);
    expect(upstreamTraceparents()).toEqual([{ traceId: incoming.traceId, parentId: client.spanId, flags: "01" }]);
  });

  it("names the REST operation in rpc.method: a list read is ListWorkloadShares over GET", async () => {
    const incoming = incomingTrace();
    await gql(gateway.url, `query Shares { workloadShares(workloadId: "${SEEDED.dataLake}") { __typename } }`, {}, { traceparent: incoming.header });
    const client = one(await receiver.waitForSpans(incoming.traceId, 3), SPAN_KIND.client);
    expect(client.attributes).toMatchObject({ "rpc.method": "ListWorkloadShares", "http.request.method": "GET", "http.response.status_code": 200 });
  });

  it("without a traceparent, or with an invalid one, the request starts a new trace that the upstream continues", async () => {
    const variants: Record<string, string>[] = [{}, { traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" }, { traceparent: "not-a-traceparent" }];
    for (const headers of variants) {
      await resetEmulator(emulator.url);
      await gql(gateway.url, CREATE, { input: createInput() }, headers);
      const [upstream] = upstreamTraceparents();
      expect(upstream?.traceId).not.toBe("00000000000000000000000000000000");
      const spans = await receiver.waitForSpans(upstream?.traceId ?? "", 3);
      expect(one(spans, SPAN_KIND.server).parentSpanId).toBe("");
      expect(one(spans, SPAN_KIND.client).spanId).toBe(upstream?.parentId);
    }
  });

  it("each retry is its own CLIENT span with http.request.resend_count 1, 2 and its own traceparent; 5xx attempts are ERROR", async () => {
    await injectFault(emulator.url, { workloadId: SEEDED.roomy, kind: "error5xx", count: 2 });
    const incoming = incomingTrace();
    const response = await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    expect(response.body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    const spans = await receiver.waitForSpans(incoming.traceId, 5);
    const operation = one(spans, SPAN_KIND.internal);
    const tries = attempts(spans);
    expect(tries.map((s) => s.attributes["http.request.resend_count"])).toEqual([undefined, 1, 2]);
    expect(tries.every((s) => s.attributeKinds["http.request.resend_count"] === undefined || s.attributeKinds["http.request.resend_count"] === "int")).toBe(true);
    expect(tries.map((s) => s.parentSpanId)).toEqual([operation.spanId, operation.spanId, operation.spanId]);
    expect(tries.map((s) => s.status.code)).toEqual([STATUS.error, STATUS.error, STATUS.unset]);
    expect(tries.map((s) => s.attributes["http.response.status_code"])).toEqual([500, 500, 200]);
    expect(upstreamTraceparents()).toEqual(tries.map((s) => ({ traceId: incoming.traceId, parentId: s.spanId, flags: "01" })));
  });

  it("an attempt that got no answer is ERROR and has no status code", async () => {
    await injectFault(emulator.url, { workloadId: SEEDED.roomy, kind: "reset", count: 1 });
    const incoming = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    const [first, second] = attempts(await receiver.waitForSpans(incoming.traceId, 4));
    expect(first?.status.code).toBe(STATUS.error);
    expect(first?.attributes["http.response.status_code"]).toBeUndefined();
    expect(first?.attributes["error.type"]).toBe("UPSTREAM_UNREACHABLE");
    expect(second?.attributes).toMatchObject({ "http.request.resend_count": 1, "http.response.status_code": 200 });
  });

  it("a 4xx answer is ERROR with its status, and aws.request_id is the upstream's request ID (the envelope's x-request-id)", async () => {
    const incoming = incomingTrace();
    const response = await gql(gateway.url, CREATE, { input: createInput(SEEDED.unknown) }, { traceparent: incoming.header });
    const result = response.body.data.createWorkloadShare;
    expect(result.code).toBe("NOT_FOUND");
    const client = one(await receiver.waitForSpans(incoming.traceId, 3), SPAN_KIND.client);
    expect(client.status.code).toBe(STATUS.error);
    expect(client.attributes["http.response.status_code"]).toBe(404);

    await injectFault(emulator.url, { workloadId: SEEDED.roomy, kind: "error5xx", count: 3 });
    const failing = incomingTrace();
    const failed = (await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: failing.header })).body.data.createWorkloadShare;
    expect(failed.__typename).toBe("UpstreamError");
    const last = attempts(await receiver.waitForSpans(failing.traceId, 5)).at(-1);
    expect(last?.attributes["aws.request_id"]).toBe(failed.requestId);
  });

  it("follows the parent's sampling decision: an unsampled traceparent exports nothing, and the upstream still gets the trace", async () => {
    const unsampled = incomingTrace("00");
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: unsampled.header });
    const [upstream] = upstreamTraceparents();
    expect(upstream?.traceId).toBe(unsampled.traceId);
    expect(upstream?.flags).toBe("00");
    // A sampled request after it is exported after it: by then the unsampled one would have been too.
    const sampled = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: sampled.header });
    await receiver.waitForSpans(sampled.traceId, 3);
    expect(receiver.spans().filter((s) => s.traceId === unsampled.traceId)).toEqual([]);
  });
});

describe("nothing secret or personal in any span or event", () => {
  const JWT_SECRET = "jwt-secret-never-traced-0123456789abcdef";
  const CLIENT_TOKEN = "client-token-never-traced-7f3a";
  const IDEMPOTENCY_KEY = "idempotency-key-never-traced-91c2";
  const COOKIE = "session=cookie-never-traced-5d8e";
  const QUERY_SECRET = "query-string-never-traced-c0ffee";
  const VARIABLE_ACCOUNT = "210987654321";
  const BAD_VARIABLE = "variable-value-never-traced-4b1d";
  let gateway: GatewayProcess;
  let token: string;

  beforeAll(async () => {
    gateway = await startGatewayProcess(tracingEnv({ AUTH_MODE: "jwt", JWT_SECRET }));
    token = await mintToken(
      { secret: new TextEncoder().encode(JWT_SECRET), alg: "HS256" },
      { subject: "user-never-traced", claims: { scope: "workload-shares:read workload-shares:write" } },
    );
  });
  afterAll(() => gateway?.kill());

  it("no token, cookie, Idempotency-Key, client token literal, variable, query string or body reaches the collector", async () => {
    const traces: string[] = [];
    const send = async (query: string, variables: Record<string, unknown>, path = ""): Promise<void> => {
      const incoming = incomingTrace();
      traces.push(incoming.traceId);
      await gql(`${gateway.url}${path}`, query, variables, {
        authorization: `Bearer ${token}`,
        cookie: COOKIE,
        "idempotency-key": IDEMPOTENCY_KEY,
        traceparent: incoming.header,
      });
    };
    // A client token written inline in the document, an account ID in variables, a query string on the URL.
    await send(
      `mutation Inline { createWorkloadShare(input: { workloadId: "${SEEDED.roomy}", sharedWith: "${nextAccount()}", permissionType: READONLY, clientRequestToken: "${CLIENT_TOKEN}" }) { __typename } }`,
      {},
      `?debug=${QUERY_SECRET}`,
    );
    await send(CREATE, { input: { workloadId: SEEDED.roomy, sharedWith: VARIABLE_ACCOUNT, permissionType: "CONTRIBUTOR" } });
    // The Idempotency-Key header is the client token here; a failing upstream answer carries it back in the body.
    await injectFault(emulator.url, { workloadId: SEEDED.dataLake, kind: "error5xx", count: 3 });
    await send(CREATE, { input: createInput(SEEDED.dataLake) });
    // A variable the server refuses: graphql-js quotes its value in the error message.
    await send(`query Page($first: Int) { workloadShares(workloadId: "${SEEDED.dataLake}", first: $first) { __typename } }`, { first: BAD_VARIABLE });

    // server + operation (+ one CLIENT span per attempt); the refused variable stops before any upstream call.
    const expected = [3, 3, 5, 2];
    for (const [i, traceId] of traces.entries()) await receiver.waitForSpans(traceId, expected[i] ?? 0);
    const ours = receiver.exports.filter((e) => e.spans.some((s) => traces.includes(s.traceId)));
    const wire = ours.map((e) => e.raw.toString("latin1")).join("\n");
    const decoded = JSON.stringify(ours.map((e) => e.spans));
    for (const secret of [token, ...token.split("."), JWT_SECRET, "user-never-traced", CLIENT_TOKEN, IDEMPOTENCY_KEY, "cookie-never-traced", QUERY_SECRET, VARIABLE_ACCOUNT, BAD_VARIABLE, "createWorkloadShare(", "clientRequestToken", "Bearer", "SharedWith"]) {
      expect(wire, `raw export bytes hold ${secret}`).not.toContain(secret);
      expect(decoded, `decoded spans hold ${secret}`).not.toContain(secret);
    }
    const spans = ours.flatMap((e) => e.spans);
    expect(spans.flatMap((s) => s.events)).toEqual([]);
    expect(spans.filter((s) => s.traceId === traces[3]).map((s) => [s.kind, s.status]).sort()).toEqual([
      [SPAN_KIND.internal, { code: STATUS.error, message: "" }],
      [SPAN_KIND.server, { code: STATUS.unset, message: "" }],
    ]);
    // Every attribute key is one the contract (or the semantic conventions it names) allows.
    const allowed = new Set([
      "http.request.method", "url.path", "url.scheme", "http.route", "http.response.status_code",
      "graphql.operation.type", "graphql.operation.name",
      "server.address", "server.port", "http.request.resend_count", "aws.request_id", "rpc.system", "rpc.service", "rpc.method", "error.type",
    ]);
    expect(spans.flatMap((s) => Object.keys(s.attributes)).filter((key) => !allowed.has(key))).toEqual([]);
  });
});

describe("OTLP http/json", () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess(tracingEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }));
  });
  afterAll(() => gateway?.kill());

  it("exports JSON to {endpoint}/v1/traces with the same span tree and integer numbers", async () => {
    const incoming = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    const spans = await receiver.waitForSpans(incoming.traceId, 3);
    const carrying = receiver.exports.filter((e) => e.spans.some((s) => s.traceId === incoming.traceId));
    expect(carrying.map((e) => [e.path, e.contentType])).toEqual([["/v1/traces", "application/json"]]);
    const server = one(spans, SPAN_KIND.server);
    const operation = one(spans, SPAN_KIND.internal);
    const client = one(spans, SPAN_KIND.client);
    expect([server.parentSpanId, operation.parentSpanId, client.parentSpanId]).toEqual([incoming.spanId, server.spanId, operation.spanId]);
    expect([server.attributeKinds["http.response.status_code"], client.attributeKinds["server.port"]]).toEqual(["int", "int"]);
    expect(upstreamTraceparents()[0]?.parentId).toBe(client.spanId);
  });
});

describe("the OTEL_EXPORTER_OTLP_TRACES_* variables win over the general ones", () => {
  let general: OtlpReceiver;
  let traces: OtlpReceiver;
  let gateway: GatewayProcess;
  beforeAll(async () => {
    general = await startOtlpReceiver();
    traces = await startOtlpReceiver();
    gateway = await startGatewayProcess({
      UPSTREAM_URL: emulator.url,
      OTEL_BSP_SCHEDULE_DELAY: "50",
      OTEL_EXPORTER_OTLP_ENDPOINT: general.url,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${traces.url}/custom/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=general-key,x-tenant=acme",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-collector-key=traces%20key",
      OTEL_SERVICE_NAME: "shares-eu-west-1",
    });
  });
  afterAll(async () => {
    gateway?.kill();
    await general?.close();
    await traces?.close();
  });

  it("endpoint, protocol and headers come from the _TRACES_ variables (headers merged per name); OTEL_SERVICE_NAME names the service", async () => {
    const incoming = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    const spans = await traces.waitForSpans(incoming.traceId, 3);
    const [received] = traces.exports;
    expect(received?.path).toBe("/custom/traces");
    expect(received?.contentType).toBe("application/x-protobuf");
    expect(received?.headers["x-collector-key"]).toBe("traces key");
    expect(received?.headers["x-tenant"]).toBe("acme");
    expect(spans[0]?.resource["service.name"]).toBe("shares-eu-west-1");
    expect(general.exports).toEqual([]);
    expect(gateway.stdout()).not.toContain("key"); // the startup line names the endpoint, never the headers
  });
});

describe("spans are flushed on SIGTERM before exit", () => {
  it("a span still queued (a 10-minute batch delay) reaches the collector when the process stops", async () => {
    const gateway = await startGatewayProcess(tracingEnv({ OTEL_BSP_SCHEDULE_DELAY: "600000" }));
    try {
      const incoming = incomingTrace();
      await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.spans().filter((s) => s.traceId === incoming.traceId)).toEqual([]);
      gateway.child.kill("SIGTERM");
      expect(await gateway.exited).toBe(0);
      expect(receiver.spans().filter((s) => s.traceId === incoming.traceId)).toHaveLength(3);
    } finally {
      gateway.kill();
    }
  });
});

describe("a collector that is down or slow never fails or slows a request, and exports resume when it is back", () => {
  let collector: OtlpReceiver;
  let gateway: GatewayProcess;
  afterEach(async () => {
    gateway?.kill();
    await collector?.close();
  });

  /** Sends `n` requests one after another; each must succeed, and the slowest time is returned. */
  async function timedRequests(n: number): Promise<number> {
    let slowest = 0;
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      const response = await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incomingTrace().header });
      slowest = Math.max(slowest, performance.now() - started);
      expect(response.status).toBe(200);
      expect(response.body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
      await new Promise((resolve) => setTimeout(resolve, 100)); // let a batch go out (and fail) in between
    }
    return slowest;
  }

  it("down (connection refused): requests succeed; a warning on stderr; spans exported again once it is back", async () => {
    collector = await startOtlpReceiver();
    await collector.stop();
    gateway = await startGatewayProcess(tracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url }));
    expect(await timedRequests(5)).toBeLessThan(2000);
    await expect.poll(() => gateway.stderr(), { timeout: 10_000 }).toContain('"msg":"trace export failed"');

    await collector.restart();
    const incoming = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    expect(await collector.waitForSpans(incoming.traceId, 3)).toHaveLength(3);
    await expect.poll(() => gateway.stderr(), { timeout: 10_000 }).toContain('"msg":"trace export resumed"');
  });

  it("slow (holds every export): requests are not held by it; exports resume once it answers", async () => {
    collector = await startOtlpReceiver();
    collector.mode = "hang";
    // Exports wait up to 10 s for a hanging collector: a request that waited for one would take that long.
    gateway = await startGatewayProcess(tracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_TIMEOUT: "10000" }));
    expect(await timedRequests(5)).toBeLessThan(2000);

    collector.mode = "ok";
    const incoming = incomingTrace();
    await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
    expect(await collector.waitForSpans(incoming.traceId, 3, 30_000)).toHaveLength(3);
  }, 60_000);
});

describe("tracing is off unless an OTLP endpoint is set", () => {
  it("with no OTEL_EXPORTER_OTLP_*ENDPOINT (or OTEL_SDK_DISABLED=true) the configuration has no tracing", () => {
    expect(readConfig({}).tracing).toBeNull();
    expect(readConfig({ OTEL_SERVICE_NAME: "x", OTEL_TRACES_SAMPLER: "always_on" }).tracing).toBeNull();
    expect(readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" }).tracing).toBeNull();
  });

  it("without tracing the incoming traceparent is forwarded upstream unchanged", async () => {
    const gateway = await startGateway(emulator.url);
    try {
      const incoming = incomingTrace();
      await gql(gateway.url, CREATE, { input: createInput() }, { traceparent: incoming.header });
      expect(emulator.requests.at(-1)?.headers.traceparent).toBe(incoming.header);
    } finally {
      await gateway.close();
    }
  });
});

describe("tracing configuration (the standard variables, checked at startup)", () => {
  const settings = (env: Record<string, string>): TracingSettings | null => {
    const result = readTracingSettings(env);
    if (!result.ok) throw new Error(result.problem);
    return result.settings;
  };

  it("defaults: http/protobuf to {base}/v1/traces, service workload-share-gateway, parentbased_always_on, the SDK's batch settings", () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example:4318/" })).toEqual({
      endpoint: "https://collector.example:4318/v1/traces",
      protocol: "http/protobuf",
      headers: {},
      timeoutMs: 10_000,
      serviceName: "workload-share-gateway",
      sampler: { name: "parentbased_always_on", ratio: 1 },
      batch: { scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000, maxQueueSize: 2048, maxExportBatchSize: 512 },
    });
    expect(settings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/otlp/traces" })?.endpoint).toBe("http://c:4318/otlp/traces");
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/base" })?.endpoint).toBe("http://c:4318/base/v1/traces");
    expect(
      settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" })?.sampler,
    ).toEqual({ name: "parentbased_traceidratio", ratio: 0.25 });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, "OTEL_EXPORTER_OTLP_ENDPOINT"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://c/v1/traces" }, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "OTEL_EXPORTER_OTLP_PROTOCOL"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/xml" }, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_HEADERS: "api-key" }, "OTEL_EXPORTER_OTLP_HEADERS"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_TRACES_SAMPLER: "sometimes" }, "OTEL_TRACES_SAMPLER"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "1.5" }, "OTEL_TRACES_SAMPLER_ARG"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_BSP_SCHEDULE_DELAY: "soon" }, "OTEL_BSP_SCHEDULE_DELAY"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_BSP_MAX_QUEUE_SIZE: "10", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "20" }, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "-1" }, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"],
  ])("a bad value is a ConfigError naming the variable: %o", (env, variable) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    try {
      readConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
    }
  });

  it("a malformed header list is refused without echoing its value (it is usually an API key)", () => {
    const result = readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=ok,secret-value-1234" });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain("secret-value-1234");
  });

  it("the configured sampler decides: always_off and traceidratio 0 export nothing, always_on exports", async () => {
    const base = settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" }) as TracingSettings;
    const exported = async (sampler: TracingSettings["sampler"]): Promise<number> => {
      let count = 0;
      const exporter: SpanExporter = {
        export: (spans, done) => {
          count += spans.length;
          done({ code: ExportResultCode.SUCCESS });
        },
        shutdown: async () => {},
      };
      const tracing = startTracing({ ...base, sampler }, exporter);
      for (let i = 0; i < 20; i++) tracing.tracer.startSpan("probe").end();
      await tracing.shutdown(); // flushes the queue into the exporter first
      return count;
    };
    expect(await exported({ name: "always_off", ratio: 1 })).toBe(0);
    expect(await exported({ name: "traceidratio", ratio: 0 })).toBe(0);
    expect(await exported({ name: "always_on", ratio: 1 })).toBe(20);
  });
});
