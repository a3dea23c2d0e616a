// Contract: retryable failures are retried with the same request (same token)
// up to UPSTREAM_MAX_ATTEMPTS, with backoff, Retry-After and an overall
// deadline; everything else is answered at once.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, gql, type TestGateway } from "./support/gateway.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";
import { CREATE } from "./support/emulator.js";

const HEX32 = "0123456789abcdef0123456789abcdef";
const CREATED = '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}';
const INTERNAL = '{"success": false, "error": {"code": "INTERNAL_ERROR", "message": "boom"}}';
const input = { workloadId: HEX32, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "retry-token-1" };

let upstream: ScriptedUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  gateway = await startGateway(upstream.url, { maxAttempts: 3, timeoutMs: 1000 });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

async function create() {
  const { body } = await gql(gateway.url, CREATE, { input });
  expect(body.errors).toBeUndefined();
  return body.data.createWorkloadShare;
}

function tokensSent(): string[] {
  return upstream.received.map((r) => (JSON.parse(r.body) as { ClientRequestToken: string }).ClientRequestToken);
}

describe("retries reuse the token", () => {
  it("retries 500, 502, 503 and 504 with the same body and succeeds", async () => {
    upstream.script(
      { status: 500, body: INTERNAL },
      { status: 502, body: "<html>bad gateway</html>" },
      { status: 503, body: "" },
      { status: 200, body: CREATED },
    );
    const gateway4 = await startGateway(upstream.url, { maxAttempts: 4, timeoutMs: 1000 });
    try {
      const { body } = await gql(gateway4.url, CREATE, { input });
      expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    } finally {
      await gateway4.close();
    }
    expect(tokensSent()).toEqual(["retry-token-1", "retry-token-1", "retry-token-1", "retry-token-1"]);
    const bodies = new Set(upstream.received.map((r) => r.body));
    expect(bodies.size).toBe(1);
  });

  it("retries a throttling error and returns the token with the final ThrottlingError", async () => {
    upstream.script({ status: 429, headers: { "x-amzn-errortype": "ThrottlingException" }, body: '{"message":"Rate exceeded"}' });
    const result = await create();
    expect(result).toMatchObject({ __typename: "ThrottlingError", code: "ThrottlingException", retryable: true, errorToken: "retry-token-1" });
    expect(upstream.received).toHaveLength(3);
    expect(new Set(tokensSent())).toEqual(new Set(["retry-token-1"]));
  });
});

describe("retries stop at UPSTREAM_MAX_ATTEMPTS", () => {
  it("makes exactly 3 attempts and returns a retryable UpstreamError with the token", async () => {
    upstream.script({ status: 500, body: INTERNAL });
    const result = await create();
    expect(result).toMatchObject({ __typename: "UpstreamError", code: "INTERNAL_ERROR", httpStatus: 500, retryable: true, errorToken: "retry-token-1" });
    expect(upstream.received).toHaveLength(3);
  });

  it("does not retry at all with 1 attempt", async () => {
    const single = await startGateway(upstream.url, { maxAttempts: 1 });
    try {
      upstream.script({ status: 503, body: "" });
      const { body } = await gql(single.url, CREATE, { input });
      expect(body.data.createWorkloadShare).toMatchObject({ __typename: "UpstreamError", code: "UPSTREAM_HTTP_503", retryable: true });
      expect(upstream.received).toHaveLength(1);
    } finally {
      await single.close();
    }
  });
});

describe("non-retryable errors are not retried", () => {
  it.each([
    [400, '{"success": false, "error": {"code": "VALIDATION_ERROR", "message": "Invalid request parameters"}}', "ValidationError"],
    [402, '{"success": false, "error": {"code": "SERVICE_QUOTA_EXCEEDED", "message": "quota"}}', "ServiceQuotaExceededError"],
    [403, '{"success": false, "error": {"code": "ACCESS_DENIED", "message": "no"}}', "AccessDeniedError"],
    [404, '{"success": false, "error": {"code": "NOT_FOUND", "message": "no"}}', "ResourceNotFoundError"],
    [409, '{"success": false, "error": {"code": "CONFLICT", "message": "dup"}}', "ConflictError"],
    [501, "", "UpstreamError"],
  ])("HTTP %i is answered after one attempt", async (status, body, typename) => {
    upstream.script({ status, body });
    const result = await create();
    expect(result.__typename).toBe(typename);
    expect(result.retryable).toBe(false);
    expect(upstream.received).toHaveLength(1);
  });

  it("does not retry an unreadable 200 answer", async () => {
    upstream.script({ status: 200, body: '{"success": true, "data": {"id": ' });
    const result = await create();
    expect(result).toMatchObject({ __typename: "UpstreamError", code: "UPSTREAM_BAD_RESPONSE", retryable: false });
    expect(upstream.received).toHaveLength(1);
  });
});

describe("backoff and Retry-After", () => {
  it("waits at least the Retry-After before the next attempt", async () => {
    upstream.script({ status: 429, headers: { "retry-after": "1" }, body: "" }, { status: 200, body: CREATED });
    const result = await create();
    expect(result.__typename).toBe("CreateWorkloadShareSuccess");
    const [first, second] = upstream.received;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it("returns the ThrottlingError at once when Retry-After is over 5 seconds", async () => {
    upstream.script({ status: 429, headers: { "retry-after": "30" }, body: '{"success": false, "error": {"code": "THROTTLING", "message": "slow down"}}' });
    const started = Date.now();
    const result = await create();
    expect(result).toMatchObject({ __typename: "ThrottlingError", retryAfterSeconds: 30, errorToken: "retry-token-1" });
    expect(upstream.received).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("slow, vanished and unreachable upstreams", () => {
  it("times an attempt out after UPSTREAM_TIMEOUT_MS and retries it", async () => {
    const quick = await startGateway(upstream.url, { maxAttempts: 2, timeoutMs: 300 });
    try {
      upstream.script({ status: 200, body: CREATED, delayMs: 3000 });
      const started = Date.now();
      const { body } = await gql(quick.url, CREATE, { input });
      const elapsed = Date.now() - started;
      expect(body.data.createWorkloadShare).toMatchObject({
        __typename: "UpstreamError",
        code: "UPSTREAM_TIMEOUT",
        httpStatus: null,
        retryable: true,
        errorToken: "retry-token-1",
      });
      expect(upstream.received).toHaveLength(2);
      // One field's attempts never take longer than timeout x attempts (plus slack for a busy machine).
      expect(elapsed).toBeLessThan(600 + 1500);
    } finally {
      await quick.close();
    }
  });

  it("retries a connection reset and then succeeds", async () => {
    upstream.script({ reset: true }, { status: 200, body: CREATED });
    const result = await create();
    expect(result.__typename).toBe("CreateWorkloadShareSuccess");
    expect(upstream.received).toHaveLength(2);
  });

  it("answers UPSTREAM_UNREACHABLE with httpStatus null when nothing listens", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const nowhere = await startGateway(`http://127.0.0.1:${port}`, { maxAttempts: 2 });
    try {
      const { body } = await gql(nowhere.url, CREATE, { input });
      expect(body.data.createWorkloadShare).toMatchObject({
        __typename: "UpstreamError",
        code: "UPSTREAM_UNREACHABLE",
        httpStatus: null,
        retryable: true,
        errorToken: "retry-token-1",
      });
    } finally {
      await nowhere.close();
    }
  });

  it("aborts the upstream call when the client goes away", async () => {
    // A long attempt timeout, so only the client's hang-up can end the upstream call early.
    const patient = await startGateway(upstream.url, { maxAttempts: 3, timeoutMs: 20_000 });
    upstream.script({ status: 200, body: CREATED, delayMs: 10_000 });
    const abandonedBefore = upstream.abandoned;
    const controller = new AbortController();
    const request = fetch(patient.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: CREATE, variables: { input } }),
      signal: controller.signal,
    }).catch(() => null);
    try {
      await expect.poll(() => upstream.received.length, { timeout: 5000 }).toBe(1);
      controller.abort();
      await request;
      await expect.poll(() => upstream.abandoned, { timeout: 5000 }).toBe(abandonedBefore + 1);
      // No retry follows a cancelled call.
      await new Promise((r) => setTimeout(r, 300));
      expect(upstream.received).toHaveLength(1);
    } finally {
      await patient.close();
    }
  });
});
