// Contract: "The emulator" — a real HTTP server that behaves like the REST API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { injectFault, resetEmulator, SEEDED, startTestEmulator } from "./support/emulator.js";

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw upstream JSON
  json: any;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === "" ? null : JSON.parse(text) };
}

const share = (sharedWith: string, token: string, permission = "READONLY") => ({
  SharedWith: sharedWith,
  PermissionType: permission,
  ClientRequestToken: token,
});

describe("emulator, envelope wire", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator("envelope");
  });
  afterAll(() => emulator?.close());
  beforeEach(() => resetEmulator(emulator.url));

  const sharesOf = (id: string) => `/workloads/${id}/shares`;

  describe("idempotency by token", () => {
    it("answers the original result for the same token and parameters", async () => {
      const first = await call(emulator.url, "POST", sharesOf(SEEDED.roomy), share("123456789012", "t-1"));
      const again = await call(emulator.url, "POST", sharesOf(SEEDED.roomy), share("123456789012", "t-1"));
      expect(first.status).toBe(200);
      expect(first.json).toEqual({ success: true, data: { id: expect.stringMatching(/^[0-9a-f]{32}$/), created_at: expect.any(String) } });
      expect(again.json).toEqual(first.json);
    });

    it("answers CONFLICT for the same token with other parameters", async () => {
      await call(emulator.url, "POST", sharesOf(SEEDED.roomy), share("123456789012", "t-2"));
      const other = await call(emulator.url, "POST", sharesOf(SEEDED.roomy), share("123456789012", "t-2", "CONTRIBUTOR"));
      expect(other.status).toBe(409);
      expect(other.json.error.code).toBe("CONFLICT");
    });
  });

  it("answers CONFLICT for a second share of one workload with the same principal", async () => {
    const dup = await call(emulator.url, "POST", sharesOf(SEEDED.dataLake), share("111122223333", "new-token"));
    expect(dup.status).toBe(409);
    expect(dup.json.error).toMatchObject({ code: "CONFLICT", resource_id: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b" });
  });

  it("answers NOT_FOUND for an unknown workload", async () => {
    const missing = await call(emulator.url, "POST", sharesOf(SEEDED.unknown), share("123456789012", "t-3"));
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: "NOT_FOUND", resource_id: SEEDED.unknown, resource_type: "WORKLOAD" });
  });

  it("answers SERVICE_QUOTA_EXCEEDED when the workload's share quota is used up", async () => {
    const full = await call(emulator.url, "POST", sharesOf(SEEDED.full), share("123456789012", "t-4"));
    expect(full.status).toBe(402);
    expect(full.json.error).toMatchObject({ code: "SERVICE_QUOTA_EXCEEDED", quota_code: expect.any(String), service_code: "wellarchitected" });
  });

  it("validates with the gateway's constraints and names each bad field", async () => {
    const bad = await call(emulator.url, "POST", sharesOf("NOT-HEX"), { SharedWith: "short", PermissionType: "OWNER" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("VALIDATION_ERROR");
    expect(bad.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ["client_request_token", "permission_type", "shared_with", "workload_id"],
    );
  });

  it("pages the list with MaxResults and NextToken, filtering by prefix and status", async () => {
    for (let i = 0; i < 5; i++) {
      await call(emulator.url, "POST", sharesOf(SEEDED.roomy), share(`12345678901${i}`, `p-${i}`));
    }
    const page1 = await call(emulator.url, "GET", `${sharesOf(SEEDED.roomy)}?MaxResults=2`);
    expect(page1.json.data.items).toHaveLength(2);
    expect(page1.json.data.next_token).toEqual(expect.any(String));
    const page2 = await call(emulator.url, "GET", `${sharesOf(SEEDED.roomy)}?MaxResults=2&NextToken=${encodeURIComponent(page1.json.data.next_token)}`);
    const page3 = await call(emulator.url, "GET", `${sharesOf(SEEDED.roomy)}?MaxResults=2&NextToken=${encodeURIComponent(page2.json.data.next_token)}`);
    expect(page3.json.data.items).toHaveLength(1);
    expect(page3.json.data.next_token).toBeNull();
    const all = [...page1.json.data.items, ...page2.json.data.items, ...page3.json.data.items].map((s) => s.shared_with);
    expect(new Set(all).size).toBe(5);

    const prefixed = await call(emulator.url, "GET", `${sharesOf(SEEDED.dataLake)}?SharedWithPrefix=o-`);
    expect(prefixed.json.data.items.map((s: { shared_with: string }) => s.shared_with)).toEqual(["o-exampleorgid1"]);
    const accepted = await call(emulator.url, "GET", `${sharesOf(SEEDED.dataLake)}?Status=ACCEPTED`);
    expect(accepted.json.data.items.map((s: { status: string }) => s.status)).toEqual(["ACCEPTED"]);
    const tooMany = await call(emulator.url, "GET", `${sharesOf(SEEDED.dataLake)}?MaxResults=51`);
    expect(tooMany.status).toBe(400);
  });

  it("updates and deletes shares, deleting idempotently by token", async () => {
    const path = `${sharesOf(SEEDED.dataLake)}/5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b`;
    const updated = await call(emulator.url, "PATCH", path, { PermissionType: "CONTRIBUTOR" });
    expect(updated.json.data).toMatchObject({ id: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b", permission_type: "CONTRIBUTOR" });
    const deleted = await call(emulator.url, "DELETE", `${path}?ClientRequestToken=d-1`);
    const replay = await call(emulator.url, "DELETE", `${path}?ClientRequestToken=d-1`);
    expect(deleted.json).toEqual({ success: true, data: { id: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b" } });
    expect(replay.json).toEqual(deleted.json);
    const gone = await call(emulator.url, "DELETE", `${path}?ClientRequestToken=d-2`);
    expect(gone.status).toBe(404);
  });

  describe("fault injection through /__emulator/faults", () => {
    it("throttles with Retry-After for `count` requests, then recovers", async () => {
      await injectFault(emulator.url, { kind: "throttle", count: 2, retryAfter: 3, workloadId: SEEDED.roomy });
      const a = await call(emulator.url, "GET", sharesOf(SEEDED.roomy));
      const other = await call(emulator.url, "GET", sharesOf(SEEDED.dataLake));
      const b = await call(emulator.url, "GET", sharesOf(SEEDED.roomy));
      const c = await call(emulator.url, "GET", sharesOf(SEEDED.roomy));
      expect([a.status, other.status, b.status, c.status]).toEqual([429, 200, 429, 200]);
      expect(a.headers.get("retry-after")).toBe("3");
      expect(a.json.error.code).toBe("THROTTLING");
    });

    it("a fault with a method is met only by requests with that method", async () => {
      await injectFault(emulator.url, { kind: "accessDenied", method: "POST", workloadId: SEEDED.roomy });
      const read = await call(emulator.url, "GET", sharesOf(SEEDED.roomy));
      const created = await call(emulator.url, "POST", sharesOf(SEEDED.roomy), share("123456789012", "m-1"));
      const again = await call(emulator.url, "POST", sharesOf(SEEDED.roomy), share("210987654321", "m-2"));
      expect([read.status, created.status, again.status]).toEqual([200, 403, 200]);
      expect(created.json.error.code).toBe("ACCESS_DENIED");
      const bad = await call(emulator.url, "POST", "/__emulator/faults", { kind: "throttle", method: "get" });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json)).toContain("method must be one of GET, POST, PATCH, DELETE");
    });

    it("answers 5xx, delays, and malformed bodies", async () => {
      await injectFault(emulator.url, { kind: "error5xx" });
      expect((await call(emulator.url, "GET", sharesOf(SEEDED.roomy))).status).toBe(500);

      await injectFault(emulator.url, { kind: "delay", delayMs: 300 });
      const started = Date.now();
      expect((await call(emulator.url, "GET", sharesOf(SEEDED.roomy))).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);

      await injectFault(emulator.url, { kind: "malformed" });
      const malformed = await fetch(`${emulator.url}${sharesOf(SEEDED.roomy)}`);
      expect(malformed.status).toBe(200);
      await expect(malformed.json()).rejects.toThrow();
    });

    it("resets the connection", async () => {
      await injectFault(emulator.url, { kind: "reset" });
      await expect(fetch(`${emulator.url}${sharesOf(SEEDED.roomy)}`)).rejects.toThrow();
    });

    it("refuses a bad fault spec and clears faults on DELETE", async () => {
      const bad = await call(emulator.url, "POST", "/__emulator/faults", { kind: "meteor" });
      expect(bad.status).toBe(400);
      await injectFault(emulator.url, { kind: "error5xx", count: 5 });
      expect((await call(emulator.url, "DELETE", "/__emulator/faults")).status).toBe(204);
      expect((await call(emulator.url, "GET", sharesOf(SEEDED.roomy))).status).toBe(200);
    });
  });
});

describe("emulator, AWS restJson1 wire", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator("aws");
  });
  afterAll(() => emulator?.close());
  beforeEach(() => resetEmulator(emulator.url));

  it("answers success with Smithy member names and a request ID", async () => {
    const created = await call(emulator.url, "POST", `/workloads/${SEEDED.roomy}/shares`, share("123456789012", "a-1"));
    expect(created.json).toEqual({ WorkloadId: SEEDED.roomy, ShareId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(created.headers.get("x-amzn-requestid")).toEqual(expect.any(String));
    const listed = await call(emulator.url, "GET", `/workloads/${SEEDED.roomy}/shares`);
    expect(listed.json).toEqual({
      WorkloadId: SEEDED.roomy,
      WorkloadShareSummaries: [
        { ShareId: created.json.ShareId, SharedWith: "123456789012", PermissionType: "READONLY", Status: "PENDING" },
      ],
    });
    const deleted = await fetch(`${emulator.url}/workloads/${SEEDED.roomy}/shares/${created.json.ShareId}?ClientRequestToken=x`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toBe("");
  });

  it("answers errors with X-Amzn-ErrorType and the error shape's members", async () => {
    const quota = await call(emulator.url, "POST", `/workloads/${SEEDED.full}/shares`, share("123456789012", "a-2"));
    expect(quota.status).toBe(402);
    expect(quota.headers.get("x-amzn-errortype")).toBe("ServiceQuotaExceededException");
    expect(quota.json).toMatchObject({ Message: expect.any(String), QuotaCode: expect.any(String), ServiceCode: "wellarchitected" });
    const invalid = await call(emulator.url, "POST", `/workloads/${SEEDED.roomy}/shares`, { SharedWith: "x", PermissionType: "READONLY", ClientRequestToken: "t" });
    expect(invalid.headers.get("x-amzn-errortype")).toBe("ValidationException");
    expect(invalid.json).toMatchObject({ Reason: "FIELD_VALIDATION_FAILED", Fields: [{ Name: "SharedWith", Message: expect.any(String) }] });
  });
});
