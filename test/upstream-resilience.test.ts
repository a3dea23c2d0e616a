// Contract "Upstream resilience" and "Operating": the retry budget (500
// tokens, 5 per throttling retry, 14 per other retry, refunds on success), the
// circuit breaker (counted failures, the open answer, the half-open trial),
// their metrics, and readiness that does not follow the upstream while
// `upstream_up` does. Real gateways on loopback in front of a scripted
// upstream that counts every request it receives.
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../src/config.js";
import { injectFault, SEEDED, startTestEmulator } from "./support/emulator.js";
import { gql, startGateway, type TestGateway, type TestGatewayOptions } from "./support/gateway.js";
import { startGatewayProcess, type GatewayProcess } from "./support/process.js";
import { startScriptedUpstream, type ScriptedAnswer, type ScriptedUpstream } from "./support/scripted-upstream.js";

const WORKLOAD = "0123456789abcdef0123456789abcdef";
const CREATED: ScriptedAnswer = { status: 200, body: '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}' };
const UNAVAILABLE: ScriptedAnswer = { status: 503, body: '{"success": false, "error": {"code": "SERVICE_UNAVAILABLE", "message": "down"}}' };
const THROTTLED: ScriptedAnswer = { status: 429, body: '{"success": false, "error": {"code": "THROTTLING", "message": "slow down"}}' };
const status = (code: number): ScriptedAnswer => ({ status: code, body: "" });

const RESULT = `__typename
  ... on Error { code retryable }
  ... on UpstreamError { httpStatus clientRequestToken retryAfterSeconds }
  ... on ThrottlingError { clientRequestToken retryAfterSeconds }
  ... on CreateWorkloadShareSuccess { share { id } }`;

/** One mutation with `fields` createWorkloadShare fields (executed one after the other), each with its own token. */
function createMany(fields: number): string {
  const vars = Array.from({ length: fields }, (_, i) => `$i${i}: CreateWorkloadShareInput!`).join(", ");
  const body = Array.from({ length: fields }, (_, i) => `f${i}: createWorkloadShare(input: $i${i}) { ${RESULT} }`).join("\n");
  return `mutation Many(${vars}) {\n${body}\n}`;
}

const shareInput = (clientRequestToken: string): Record<string, string> => ({
  workloadId: WORKLOAD,
  sharedWith: "123456789012",
  permissionType: "READONLY",
  clientRequestToken,
});

/** Variables for createMany(fields): tokens `<prefix>-0`, `<prefix>-1`, ... */
function inputs(fields: number, prefix: string): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: fields }, (_, i) => [`i${i}`, shareInput(`${prefix}-${i}`)]));
}

type FieldResult = Record<string, unknown> & { __typename: string };

async function createFields(gateway: TestGateway, fields: number, prefix: string): Promise<FieldResult[]> {
  const { body } = await gql(gateway.url, createMany(fields), inputs(fields, prefix));
  expect(body.errors).toBeUndefined();
  return Object.values(body.data as Record<string, FieldResult>);
}

async function createOne(gateway: TestGateway, token: string, signal?: AbortSignal): Promise<FieldResult> {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query: createMany(1), variables: { i0: shareInput(token) } }),
    signal,
  });
  const body = (await response.json()) as { data?: { f0: FieldResult }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return (body.data as { f0: FieldResult }).f0;
}

const originOf = (gateway: TestGateway): string => new URL(gateway.url).origin;

/** One sample of the gateway's /metrics, read over HTTP. */
async function metric(gateway: TestGateway, sample: string): Promise<number> {
  const text = await (await fetch(`${originOf(gateway)}/metrics`)).text();
  const escaped = sample.replace(/[{}"=,]/g, (c) => `\\${c}`);
  const match = new RegExp(`^${escaped} (\\S+)$`, "m").exec(text);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

const running: { gateway?: TestGateway; upstream?: ScriptedUpstream; process?: GatewayProcess }[] = [];
afterEach(async () => {
  for (const { gateway, upstream, process } of running.splice(0)) {
    process?.kill();
    await gateway?.close();
    await upstream?.close();
  }
});

async function start(options: TestGatewayOptions): Promise<{ gateway: TestGateway; upstream: ScriptedUpstream }> {
  const upstream = await startScriptedUpstream();
  const gateway = await startGateway(upstream.url, { timeoutMs: 1000, ...options });
  running.push({ gateway, upstream });
  return { gateway, upstream };
}

/** Whole seconds from 1 to `max`: a cooldown left, when the test cannot know how long the machine took. */
const secondsUpTo = (max: number): { asymmetricMatch(value: unknown): boolean; toString(): string } => ({
  asymmetricMatch: (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max,
  toString: () => `whole seconds from 1 to ${max}`,
});

/** The open answer, as every field gets it while the breaker is open. */
function openAnswer(token: string, retryAfterSeconds: number | ReturnType<typeof secondsUpTo>): FieldResult {
  return {
    __typename: "UpstreamError",
    code: "UPSTREAM_UNAVAILABLE",
    retryable: true,
    httpStatus: null,
    clientRequestToken: token,
    retryAfterSeconds,
  };
}

/**
 * `failures` single-attempt fields that each get a 503: a breaker with that threshold opens.
 * Clears `received`. Returns when it opened: between the last field's start and its answer.
 */
async function openBreaker(gateway: TestGateway, upstream: ScriptedUpstream, failures: number): Promise<{ earliest: number; latest: number }> {
  upstream.script(UNAVAILABLE);
  let earliest = 0;
  for (let i = 0; i < failures; i++) {
    earliest = performance.now();
    expect((await createOne(gateway, `opening-${i}`)).httpStatus).toBe(503);
  }
  const latest = performance.now();
  expect(upstream.received).toHaveLength(failures);
  upstream.script(CREATED);
  return { earliest, latest };
}

describe("the retry budget: 500 tokens, 14 per retry after no answer or 500/502/503/504, 5 per throttling retry", () => {
  it("during a full outage, costs the upstream one attempt per field once the budget is spent", async () => {
    // The breaker is off: this is the budget alone.
    const { gateway, upstream } = await start({ maxAttempts: 3, breaker: { failures: 0, cooldownMs: 5000 } });
    upstream.script(UNAVAILABLE);

    // 40 fields that want 2 retries each; 500 tokens pay for 35 retries of 14 (490), not a 36th.
    await Promise.all([0, 1, 2, 3].map((r) => createFields(gateway, 10, `spend-${r}`)));
    expect(upstream.received).toHaveLength(40 + 35);
    expect(await metric(gateway, "upstream_retry_budget_tokens")).toBe(10);

    // Spent: 20 more fields cost 20 upstream attempts, not 60.
    const deniedBefore = await metric(gateway, 'upstream_retries_total{operation="CreateWorkloadShare",reason="budget_exhausted"}');
    upstream.script(UNAVAILABLE);
    const results = (await Promise.all([0, 1].map((r) => createFields(gateway, 10, `spent-${r}`)))).flat();
    expect(upstream.received).toHaveLength(20);
    // The failure that would have been retried is the result, retryable and with its token.
    expect(results).toEqual(
      [0, 1].flatMap((r) =>
        Array.from({ length: 10 }, (_, i) =>
          expect.objectContaining({ __typename: "UpstreamError", httpStatus: 503, retryable: true, clientRequestToken: `spent-${r}-${i}` }),
        ),
      ),
    );
    expect(await metric(gateway, 'upstream_retries_total{operation="CreateWorkloadShare",reason="budget_exhausted"}')).toBe(deniedBefore + 20);
    expect(await metric(gateway, "upstream_retry_budget_tokens")).toBe(10);
  });

  it("takes 14 for a retry after a 503 and 5 after a throttle, and a success refunds them; a first-attempt success earns 1, never above 500", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 3 });
    const tokens = (): Promise<number> => metric(gateway, "upstream_retry_budget_tokens");
    expect(await tokens()).toBe(500);
    upstream.script(CREATED);
    expect((await createOne(gateway, "full")).__typename).toBe("CreateWorkloadShareSuccess");
    expect(await tokens()).toBe(500);

    // Two paid retries that never succeed: 28 gone for good.
    upstream.script(UNAVAILABLE);
    expect((await createOne(gateway, "lost")).httpStatus).toBe(503);
    expect(upstream.received).toHaveLength(3);
    expect(await tokens()).toBe(472);

    // While the retry waits (Retry-After: 1), its cost is taken; the success gives it back.
    for (const [answer, cost] of [
      [{ ...UNAVAILABLE, headers: { "retry-after": "1" } }, 14],
      [{ ...THROTTLED, headers: { "retry-after": "1" } }, 5],
    ] as const) {
      upstream.script(answer, CREATED);
      const pending = createOne(gateway, `refund-${cost}`);
      await expect.poll(tokens).toBe(472 - cost);
      expect(upstream.received).toHaveLength(1);
      expect((await pending).__typename).toBe("CreateWorkloadShareSuccess");
      expect(upstream.received).toHaveLength(2);
      expect(await tokens()).toBe(472);
    }

    upstream.script(CREATED);
    await createOne(gateway, "first-try");
    expect(await tokens()).toBe(473);
  });
});

describe("the circuit breaker opens after UPSTREAM_BREAKER_FAILURES consecutive counted failures", () => {
  it("counts no answer (timeouts), then answers at once (under 50 ms) with nothing sent: UPSTREAM_UNAVAILABLE, retryable, the token", async () => {
    const logs: string[] = [];
    const { gateway, upstream } = await start({
      maxAttempts: 1,
      timeoutMs: 1000,
      breaker: { failures: 3, cooldownMs: 5000 },
      services: { log: (line) => logs.push(line) },
    });
    upstream.script({ ...CREATED, delayMs: 5000 }); // a hanging upstream
    const hung = await Promise.all([0, 1, 2].map((i) => createOne(gateway, `hung-${i}`)));
    expect(hung.map((r) => r.code)).toEqual(["UPSTREAM_TIMEOUT", "UPSTREAM_TIMEOUT", "UPSTREAM_TIMEOUT"]);
    expect(upstream.received).toHaveLength(3);

    await expect.poll(() => logs.length).toBe(3); // the hung requests' log lines
    logs.length = 0;
    const roundTrips: number[] = [];
    for (const token of ["open-1", "open-2", "open-3", "open-4", "open-5"]) {
      const started = performance.now();
      expect(await createOne(gateway, token)).toEqual(openAnswer(token, secondsUpTo(5)));
      roundTrips.push(performance.now() - started);
    }
    expect(upstream.received).toHaveLength(3);
    // Never near the 1 s the hanging upstream would hold each field.
    expect(Math.max(...roundTrips)).toBeLessThan(500);
    // The gateway's own time per request (its log line), with no upstream attempt made. The
    // median, as two shared cores under other agents' load can stall any single request.
    await expect.poll(() => logs.length).toBe(5);
    const lines = logs.map((line) => JSON.parse(line) as { durationMs: number; upstream: { attempts: number } });
    expect(lines.map((line) => line.upstream.attempts)).toEqual([0, 0, 0, 0, 0]);
    expect(lines.map((line) => line.durationMs).sort((a, b) => a - b)[2]).toBeLessThan(50);
    expect(await metric(gateway, "upstream_circuit_state")).toBe(1);
  });

  it("answers retryAfterSeconds as the cooldown left, rounded up", async () => {
    const COOLDOWN_MS = 2500;
    const { gateway, upstream } = await start({ maxAttempts: 1, breaker: { failures: 2, cooldownMs: COOLDOWN_MS } });
    const opened = await openBreaker(gateway, upstream, 2);
    /** What the answer must be, given when the breaker opened and when the request was out. */
    const expected = async (token: string): Promise<{ got: unknown; lowest: number; highest: number }> => {
      const sent = performance.now();
      const got = (await createOne(gateway, token)).retryAfterSeconds;
      const answered = performance.now();
      const seconds = (leftMs: number): number => Math.max(1, Math.ceil(leftMs / 1000));
      return { got, lowest: seconds(COOLDOWN_MS - (answered - opened.earliest)), highest: seconds(COOLDOWN_MS - (sent - opened.latest)) };
    };
    const early = await expected("early"); // 3 on a machine that is not overloaded
    expect(early.got).toBeGreaterThanOrEqual(early.lowest);
    expect(early.got).toBeLessThanOrEqual(early.highest);
    expect(early.highest).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1600 - (performance.now() - opened.latest)));
    const later = await expected("later"); // 1
    expect(later.got).toBeGreaterThanOrEqual(later.lowest);
    expect(later.got).toBeLessThanOrEqual(later.highest);
    expect(later.highest).toBeLessThanOrEqual(1);
    expect(upstream.received).toHaveLength(0);
  });

  it("counts HTTP 500, 502, 503 and 504; throttling and 4xx (and a 501) neither count nor reset", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 1, breaker: { failures: 4, cooldownMs: 5000 } });
    upstream.script(status(500), THROTTLED, status(502), status(400), status(404), status(409), status(501), status(503), status(429), status(504), CREATED);
    for (let i = 0; i < 10; i++) await createOne(gateway, `mixed-${i}`);
    expect(upstream.received).toHaveLength(10);
    // 500, 502, 503, 504 in a row as far as the breaker is concerned: open.
    expect(await createOne(gateway, "after-mixed")).toEqual(openAnswer("after-mixed", secondsUpTo(5)));
    expect(upstream.received).toHaveLength(10);
  });

  it("is reset by a success", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 1, breaker: { failures: 3, cooldownMs: 5000 } });
    upstream.script(UNAVAILABLE, UNAVAILABLE, CREATED, UNAVAILABLE, UNAVAILABLE, CREATED);
    for (let i = 0; i < 6; i++) await createOne(gateway, `reset-${i}`);
    expect(upstream.received).toHaveLength(6);
    expect(await metric(gateway, "upstream_circuit_state")).toBe(0);
  });

  it("stops a field whose retries meet it open, with the open answer (the unsent retry costs nothing)", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 3, breaker: { failures: 2, cooldownMs: 5000 } });
    upstream.script(UNAVAILABLE);
    expect(await createOne(gateway, "stopped")).toEqual(openAnswer("stopped", secondsUpTo(5)));
    expect(upstream.received).toHaveLength(2);
    // One retry sent (14); the second, refused by the breaker, was refunded.
    expect(await metric(gateway, "upstream_retry_budget_tokens")).toBe(486);
  });

  it("is off with UPSTREAM_BREAKER_FAILURES=0", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 1, breaker: { failures: 0, cooldownMs: 5000 } });
    upstream.script(UNAVAILABLE);
    for (let i = 0; i < 25; i++) await createOne(gateway, `off-${i}`);
    expect(upstream.received).toHaveLength(25);
    expect(await metric(gateway, "upstream_circuit_state")).toBe(0);
  });
});

describe("after the cooldown, one trial call goes through (half-open)", () => {
  const COOLDOWN_MS = 1000;
  const afterCooldown = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100));

  it("lets exactly one of many concurrent calls through; the others get the open answer; its success closes the breaker", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 1, timeoutMs: 10_000, breaker: { failures: 2, cooldownMs: COOLDOWN_MS } });
    await openBreaker(gateway, upstream, 2);
    expect(await metric(gateway, "upstream_circuit_state")).toBe(1);
    await afterCooldown();
    expect(await metric(gateway, "upstream_circuit_state")).toBe(2);

    // The trial holds its answer long enough for all the others to arrive while it is out.
    upstream.script({ ...CREATED, delayMs: 4000 });
    const calls = Array.from({ length: 10 }, (_, i) =>
      createOne(gateway, `trial-${i}`).then((result) => ({ result, at: performance.now() })),
    );
    await expect.poll(() => upstream.received.length).toBe(1);
    expect(await metric(gateway, "upstream_circuit_state")).toBe(2);
    const results = await Promise.all(calls);
    expect(upstream.received).toHaveLength(1);
    const trial = results.filter((r) => r.result.__typename === "CreateWorkloadShareSuccess");
    expect(trial).toHaveLength(1);
    const refused = results.filter((r) => r.result.__typename !== "CreateWorkloadShareSuccess");
    expect(refused).toHaveLength(9);
    for (const { result, at } of refused) {
      expect(at).toBeLessThan(trial[0]?.at ?? 0); // answered while the trial was still out
      expect(result).toEqual(openAnswer(String(result.clientRequestToken), 1));
    }
    expect(new Set(refused.map((r) => r.result.clientRequestToken)).size).toBe(9);

    expect(await metric(gateway, "upstream_circuit_state")).toBe(0);
    upstream.script(CREATED);
    await Promise.all([0, 1, 2].map((i) => createOne(gateway, `closed-${i}`)));
    expect(upstream.received).toHaveLength(3);
  });

  it("opens again on a counted failure of the trial; a throttle or a 4xx lets the next call be the trial", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 1, breaker: { failures: 2, cooldownMs: COOLDOWN_MS } });
    await openBreaker(gateway, upstream, 2);
    await afterCooldown();
    upstream.script(THROTTLED, status(403), UNAVAILABLE);
    expect((await createOne(gateway, "trial-throttled")).__typename).toBe("ThrottlingError");
    expect((await createOne(gateway, "trial-denied")).__typename).toBe("AccessDeniedError");
    expect(upstream.received).toHaveLength(2);
    expect(await metric(gateway, "upstream_circuit_state")).toBe(2);
    expect((await createOne(gateway, "trial-failed")).httpStatus).toBe(503);
    expect(upstream.received).toHaveLength(3);
    expect(await metric(gateway, "upstream_circuit_state")).toBe(1);
    expect(await createOne(gateway, "reopened")).toEqual(openAnswer("reopened", 1));
    expect(upstream.received).toHaveLength(3);
  });

  it("lets the next call be the trial when the client abandons the trial call", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 1, timeoutMs: 5000, breaker: { failures: 2, cooldownMs: COOLDOWN_MS } });
    await openBreaker(gateway, upstream, 2);
    await afterCooldown();
    upstream.script({ ...CREATED, delayMs: 3000 }, CREATED);
    const client = new AbortController();
    const abandoned = createOne(gateway, "abandoned", client.signal).catch(() => "aborted");
    await expect.poll(() => upstream.received.length).toBe(1);
    expect((await createOne(gateway, "while-trial")).code).toBe("UPSTREAM_UNAVAILABLE");
    client.abort();
    expect(await abandoned).toBe("aborted");
    await expect.poll(() => upstream.abandoned).toBe(1);
    expect((await createOne(gateway, "next-trial")).__typename).toBe("CreateWorkloadShareSuccess");
    expect(upstream.received).toHaveLength(2);
    expect(await metric(gateway, "upstream_circuit_state")).toBe(0);
  });
});

describe("UpstreamError.retryAfterSeconds from a retryable answer's Retry-After", () => {
  it("is the upstream's Retry-After on a retryable failure, null without one or when not retryable", async () => {
    const { gateway, upstream } = await start({ maxAttempts: 1 });
    upstream.script({ ...UNAVAILABLE, headers: { "retry-after": "7" } }, UNAVAILABLE, { ...status(501), headers: { "retry-after": "7" } });
    expect(await createOne(gateway, "ra-7")).toMatchObject({ __typename: "UpstreamError", httpStatus: 503, retryable: true, retryAfterSeconds: 7 });
    expect(await createOne(gateway, "ra-none")).toMatchObject({ __typename: "UpstreamError", httpStatus: 503, retryAfterSeconds: null });
    // Not retryable: nothing to wait for.
    expect(await createOne(gateway, "ra-501")).toMatchObject({ __typename: "UpstreamError", httpStatus: 501, retryable: false, retryAfterSeconds: null });
  });
});

describe("readiness follows the gateway only; upstream_up follows the upstream", () => {
  it("keeps /readiness 200 while upstream_up goes 0 (no answer) and back to 1 (any HTTP answer, a 503 too)", async () => {
    const { gateway, upstream } = await start({ services: { upstreamProbe: { intervalMs: 100 } } });
    const origin = originOf(gateway);
    upstream.answerProbes(status(503));
    await expect.poll(() => metric(gateway, "upstream_up")).toBe(1);
    expect((await fetch(`${origin}/readiness`)).status).toBe(200);

    upstream.answerProbes({ reset: true });
    await expect.poll(() => metric(gateway, "upstream_up")).toBe(0);
    expect((await fetch(`${origin}/readiness`)).status).toBe(200);

    upstream.answerProbes(status(404));
    await expect.poll(() => metric(gateway, "upstream_up")).toBe(1);
  });

  it("counts an answer slower than 2 s as down", async () => {
    const { gateway, upstream } = await start({ services: { upstreamProbe: { intervalMs: 100 } } });
    upstream.answerProbes(status(200));
    await expect.poll(() => metric(gateway, "upstream_up")).toBe(1);
    upstream.answerProbes({ ...status(200), delayMs: 2600 });
    await expect.poll(() => metric(gateway, "upstream_up"), { timeout: 6000 }).toBe(0);
  });

  it("probes in the background and stops when the gateway is closed", async () => {
    const upstream = await startScriptedUpstream();
    running.push({ upstream });
    const gateway = await startGateway(upstream.url, { services: { upstreamProbe: { intervalMs: 100 } } });
    await expect.poll(() => upstream.probes.length).toBeGreaterThanOrEqual(2);
    await gateway.close();
    const probes = upstream.probes.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(upstream.probes.length).toBe(probes);
  });

  it("the emulator answers the probe without recording it or spending a fault meant for an API call", async () => {
    const emulator = await startTestEmulator();
    try {
      await injectFault(emulator.url, { kind: "error5xx", count: 1 });
      const gateway = await startGateway(emulator.url, { maxAttempts: 1, services: { upstreamProbe: { intervalMs: 50 } } });
      running.push({ gateway });
      await expect.poll(() => metric(gateway, "upstream_up")).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 200)); // several probes
      expect(emulator.requests).toHaveLength(0);
      const { body } = await gql(gateway.url, createMany(1), { i0: { ...shareInput("probe-fault"), workloadId: SEEDED.roomy } });
      expect(body.data.f0).toMatchObject({ __typename: "UpstreamError", retryable: true });
      expect(emulator.requests).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it("in the real process: /readiness 200 with the upstream down, probed once at start and not per request, 503 once draining", async () => {
    const upstream = await startScriptedUpstream();
    upstream.answerProbes({ reset: true });
    upstream.script({ ...CREATED, delayMs: 1500 });
    const gateway = await startGatewayProcess({ UPSTREAM_URL: upstream.url, SHUTDOWN_TIMEOUT_MS: "10000" });
    running.push({ upstream, process: gateway });
    await expect.poll(() => upstream.probes.length).toBe(1);
    for (let i = 0; i < 5; i++) expect((await fetch(`${gateway.origin}/readiness`)).status).toBe(200);
    const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
    expect(metrics).toMatch(/^upstream_up 0$/m);
    expect(metrics).toMatch(/^upstream_retry_budget_tokens 500$/m);
    expect(metrics).toMatch(/^upstream_circuit_state 0$/m);
    expect(upstream.probes).toHaveLength(1); // at most every 10 s, never on a request's path

    // A kept-alive connection: a slow mutation in flight, then SIGTERM, then /readiness on it.
    const { hostname, port } = new URL(gateway.origin);
    const socket = connect(Number(port), hostname);
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const body = JSON.stringify({ query: createMany(1), variables: inputs(1, "draining") });
    socket.write(
      `POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await expect.poll(() => upstream.received.length).toBe(1);
    gateway.child.kill("SIGTERM");
    await expect.poll(() => gateway.stdout()).toMatch(/SIGTERM received, draining/);
    socket.write("GET /readiness HTTP/1.1\r\nhost: localhost\r\n\r\n");
    await closed;
    const responses = received.split(/(?=HTTP\/1\.1 )/);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(await gateway.exited).toBe(0);
  }, 60_000);

  it("in the real process: UPSTREAM_BREAKER_FAILURES and UPSTREAM_BREAKER_COOLDOWN_MS are read", async () => {
    const upstream = await startScriptedUpstream();
    upstream.script(UNAVAILABLE);
    const gateway = await startGatewayProcess({
      UPSTREAM_URL: upstream.url,
      UPSTREAM_MAX_ATTEMPTS: "1",
      UPSTREAM_BREAKER_FAILURES: "2",
      UPSTREAM_BREAKER_COOLDOWN_MS: "60000",
    });
    running.push({ upstream, process: gateway });
    const call = async (token: string): Promise<FieldResult> =>
      ((await gql(gateway.url, createMany(1), { i0: shareInput(token) })).body.data as { f0: FieldResult }).f0;
    expect((await call("p-1")).httpStatus).toBe(503);
    expect((await call("p-2")).httpStatus).toBe(503);
    expect(await call("p-3")).toEqual(openAnswer("p-3", secondsUpTo(60)));
    expect((await call("p-4")).retryAfterSeconds).toBeGreaterThan(5); // the 60 s cooldown, not the default 5 s
    expect(upstream.received).toHaveLength(2);
    expect(await (await fetch(`${gateway.origin}/metrics`)).text()).toMatch(/^upstream_circuit_state 1$/m);
  }, 60_000);
});

describe("configuration of the breaker", () => {
  it("defaults to 20 failures and 5000 ms", () => {
    expect(readConfig({}).upstreamBreaker).toEqual({ failures: 20, cooldownMs: 5000 });
    expect(readConfig({ UPSTREAM_BREAKER_FAILURES: "0", UPSTREAM_BREAKER_COOLDOWN_MS: "250" }).upstreamBreaker).toEqual({
      failures: 0,
      cooldownMs: 250,
    });
  });

  it("refuses a bad value with a ConfigError naming the variable", () => {
    for (const [name, bad] of [
      ["UPSTREAM_BREAKER_FAILURES", "-1"],
      ["UPSTREAM_BREAKER_FAILURES", "many"],
      ["UPSTREAM_BREAKER_COOLDOWN_MS", "0"],
      ["UPSTREAM_BREAKER_COOLDOWN_MS", "1.5"],
    ] as const) {
      expect(() => readConfig({ [name]: bad }), `${name}=${bad}`).toThrow(ConfigError);
      try {
        readConfig({ [name]: bad });
      } catch (error) {
        expect((error as ConfigError).variable).toBe(name);
      }
    }
  });
});
