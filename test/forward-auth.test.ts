// AUTH_MODE=forward: the caller's Authorization travels to an envelope
// upstream that authenticates callers itself. In every mode only the
// allow-listed headers go upstream: never cookies or hop-by-hop headers.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../src/config.js";
import { CREATE } from "./support/emulator.js";
import { gql, startGateway, type TestGateway } from "./support/gateway.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";

const WORKLOAD = "0123456789abcdef0123456789abcdef";
const INPUT = { workloadId: WORKLOAD, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "fwd-1" };
const CREATED = { status: 200, body: '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}' };
const DENIED = { status: 401, body: '{"success": false, "error": {"code": "UNAUTHORIZED", "message": "bad credentials"}}' };

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

let upstream: ScriptedUpstream;
let forward: TestGateway;
let none: TestGateway;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  forward = await startGateway(upstream.url, { authMode: "forward" });
  none = await startGateway(upstream.url, { authMode: "none" });
});
afterAll(async () => {
  await forward?.close();
  await none?.close();
  await upstream?.close();
});
beforeEach(() => upstream.script(CREATED));

/** A POST through node:http, which (unlike fetch) may send hop-by-hop headers. */
function rawPost(url: string, headers: Record<string, string>): Promise<number> {
  const body = JSON.stringify({ query: CREATE, variables: { input: INPUT } });
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("AUTH_MODE=forward", () => {
  it("forwards the caller's Authorization header verbatim", async () => {
    const { body } = await gql(forward.url, CREATE, { input: INPUT }, { authorization: "Bearer caller-opaque-token" });
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    expect(upstream.received[0]?.headers.authorization).toBe("Bearer caller-opaque-token");
  });

  it("lets the upstream decide: its 401 is the field's AccessDeniedError", async () => {
    upstream.script(DENIED);
    const { status, body } = await gql(forward.url, CREATE, { input: INPUT }, { authorization: "Bearer expired" });
    expect(status).toBe(200);
    expect(body.data.createWorkloadShare.__typename).toBe("AccessDeniedError");
  });

  it("without an Authorization header, sends none", async () => {
    await gql(forward.url, CREATE, { input: INPUT });
    expect(upstream.received[0]?.headers.authorization).toBeUndefined();
  });

  it("is never combined with SigV4 signing", () => {
    expect(() =>
      readConfig({ AUTH_MODE: "forward", UPSTREAM_URL: "https://wellarchitected.us-east-1.amazonaws.com" }),
    ).toThrow(ConfigError);
    expect(() => readConfig({ AUTH_MODE: "forward", UPSTREAM_URL: "http://127.0.0.1:9", UPSTREAM_AUTH: "sigv4" })).toThrow(ConfigError);
  });
});

describe("the upstream header allow-list", () => {
  it("AUTH_MODE=none does not forward Authorization", async () => {
    await gql(none.url, CREATE, { input: INPUT }, { authorization: "Bearer should-stay-here" });
    expect(upstream.received[0]?.headers.authorization).toBeUndefined();
  });

  for (const [mode, gateway] of [["forward", () => forward], ["none", () => none]] as const) {
    it(`${mode}: cookies, hop-by-hop and other client headers stay at the gateway`, async () => {
      const status = await rawPost(gateway().url, {
        cookie: "session=abc",
        "proxy-authorization": "Basic cHJveHk6cHc=",
        connection: "keep-alive, x-custom-hop",
        "keep-alive": "timeout=5",
        te: "trailers",
        "x-custom-hop": "1",
        "x-forwarded-for": "203.0.113.7",
        host: "attacker.example",
        "x-amz-security-token": "client-supplied",
        "idempotency-key": "fwd-key-1",
        "x-request-id": "fwd-req-1",
        traceparent: TRACEPARENT,
        tracestate: "vendor=opaque",
      });
      expect(status).toBe(200);
      const headers = upstream.received[0]?.headers ?? {};
      for (const name of ["cookie", "proxy-authorization", "keep-alive", "te", "x-custom-hop", "x-forwarded-for", "x-amz-security-token", "idempotency-key"]) {
        expect(headers[name], name).toBeUndefined();
      }
      expect(headers.host).toBe(new URL(upstream.url).host);
      expect(headers["x-request-id"]).toBe("fwd-req-1");
      expect(headers.traceparent).toBe(TRACEPARENT);
      expect(headers.tracestate).toBe("vendor=opaque");
    });
  }

  it("a malformed traceparent is dropped (and tracestate with it)", async () => {
    await gql(none.url, CREATE, { input: INPUT }, { traceparent: "not-a-trace", tracestate: "vendor=opaque" });
    expect(upstream.received[0]?.headers.traceparent).toBeUndefined();
    expect(upstream.received[0]?.headers.tracestate).toBeUndefined();
  });

  it("a request ID is generated when absent, sent upstream and echoed to the client", async () => {
    const { headers } = await gql(none.url, CREATE, { input: INPUT });
    const id = headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstream.received[0]?.headers["x-request-id"]).toBe(id);
  });
});
