// Contract "Operating" and the log rule, on the real process: one JSON log
// line per request (request ID, operation, result types, upstream attempts
// and latency, caller) that never holds a token, credential, cookie or client
// request token; Prometheus metrics with the contract's names; /health and
// /readiness; the request ID generated or echoed, and sent upstream.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "./support/jwks.js";
import { gql, startGateway } from "./support/gateway.js";
import { isoTime } from "../src/server/log.js";
import { pathOf } from "../src/server/plugins/use-request-log.js";
import { jsonLines, startGatewayProcess, type GatewayProcess } from "./support/process.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";

const WORKLOAD = "0123456789abcdef0123456789abcdef";
const ISSUER = "https://issuer.test/";
const AUDIENCE = "workload-share-gateway";

// Every secret the run uses; none may appear in anything the process writes.
const JWT_SECRET = "jwt-secret-never-logged-0123456789abcdef";
const AWS_SECRET = "aws-secret-never-logged/abcdefghijklmnopqrstuv";
const CLIENT_TOKEN = "client-token-never-logged-7f3a";
const IDEMPOTENCY_KEY = "idempotency-key-never-logged-91c2";
const COOKIE = "session=cookie-never-logged-5d8e";
const FORGED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.forged-signature-never-logged";

const CREATED = { status: 200, body: '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}' };
const UNAVAILABLE = { status: 503, body: '{"success": false, "error": {"code": "SERVICE_UNAVAILABLE", "message": "try later"}}' };

const CREATE = `mutation ShareIt($input: CreateWorkloadShareInput!) {
  createWorkloadShare(input: $input) { ... on CreateWorkloadShareSuccess { clientRequestToken } ... on Error { code } } }`;

let upstream: ScriptedUpstream;
let gateway: GatewayProcess;
let token: string;
const secret = new TextEncoder().encode(JWT_SECRET);

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  gateway = await startGatewayProcess({
    UPSTREAM_URL: upstream.url,
    AUTH_MODE: "jwt",
    JWT_SECRET,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    AWS_ACCESS_KEY_ID: "AKIAEXAMPLENEVERLOGGED",
    AWS_SECRET_ACCESS_KEY: AWS_SECRET,
    UPSTREAM_MAX_ATTEMPTS: "3",
  });
  token = await mintToken(
    { secret, alg: "HS256" },
    { issuer: ISSUER, audience: AUDIENCE, subject: "user-obs", claims: { scope: "workload-shares:read workload-shares:write" } },
  );
}, 60_000);

afterAll(async () => {
  gateway?.kill();
  await upstream?.close();
});

// The request log's lines (a mutation's audit line carries the request ID too, with "msg": "audit").
const linesFor = (requestId: string) =>
  jsonLines(gateway.stdout()).filter((line) => line.requestId === requestId && line.msg === "request");

describe("a request's journey: ID, upstream headers, one log line", () => {
  let response: Awaited<ReturnType<typeof gql>>;
  beforeAll(async () => {
    upstream.script(UNAVAILABLE, CREATED); // one retry
    response = await gql(
      gateway.url,
      CREATE,
      { input: { workloadId: WORKLOAD, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: CLIENT_TOKEN } },
      { authorization: `Bearer ${token}`, cookie: COOKIE, "x-request-id": "req-obs-1", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", connection: "keep-alive" },
    );
  });

  it("succeeds after one upstream retry", () => {
    expect(response.body.data.createWorkloadShare.clientRequestToken).toBe(CLIENT_TOKEN);
    expect(upstream.received).toHaveLength(2);
  });

  it("echoes the client's X-Request-Id and sends it upstream on every attempt", () => {
    expect(response.headers.get("x-request-id")).toBe("req-obs-1");
    expect(upstream.received.map((r) => r.headers["x-request-id"])).toEqual(["req-obs-1", "req-obs-1"]);
  });

  it("sends only allow-listed headers upstream: no cookie, no Authorization (jwt mode), trace context kept", () => {
    for (const received of upstream.received) {
      expect(received.headers.cookie).toBeUndefined();
      expect(received.headers.authorization).toBeUndefined();
      expect(received.headers.traceparent).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }
  });

  it("writes exactly one JSON line with the request's story", async () => {
    await expect.poll(() => linesFor("req-obs-1").length).toBe(1);
    expect(linesFor("req-obs-1")[0]).toMatchObject({
      requestId: "req-obs-1",
      method: "POST",
      path: "/graphql",
      status: 200,
      operationName: "ShareIt",
      rootFields: ["createWorkloadShare"],
      resultTypes: ["CreateWorkloadShareSuccess"],
      upstream: { attempts: 2 },
      caller: "user-obs",
    });
    expect(linesFor("req-obs-1")[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((linesFor("req-obs-1")[0]?.upstream as { latencyMs: number }).latencyMs).toBeGreaterThan(0);
  });

  it("generates a request ID when the client sends none", async () => {
    const { headers } = await gql(gateway.url, "{ __typename }", {}, { authorization: `Bearer ${token}` });
    const id = headers.get("x-request-id") ?? "";
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await expect.poll(() => linesFor(id).length).toBe(1);
  });
});

describe("refused callers are logged too, without their credentials", () => {
  it("a forged token: 401, one line, no token in it", async () => {
    const { status } = await gql(gateway.url, "{ __typename }", {}, { authorization: `Bearer ${FORGED}`, "x-request-id": "req-forged" });
    expect(status).toBe(401);
    await expect.poll(() => linesFor("req-forged").length).toBe(1);
    expect(linesFor("req-forged")[0]).toMatchObject({ status: 401, caller: null, errors: ["UNAUTHENTICATED"] });
  });

  it("an Idempotency-Key and a client token in the body of a refused request", async () => {
    await gql(
      gateway.url,
      CREATE,
      { input: { workloadId: WORKLOAD, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: CLIENT_TOKEN } },
      { "idempotency-key": IDEMPOTENCY_KEY, cookie: COOKIE, "x-request-id": "req-anon" },
    );
    await expect.poll(() => linesFor("req-anon").length).toBe(1);
  });
});

describe("requests the HTTP parser refuses before yoga", () => {
  /** Writes raw bytes to the process and returns its whole answer. */
  function rawRequest(bytes: string): Promise<string> {
    const { hostname, port } = new URL(gateway.origin);
    return new Promise((resolve, reject) => {
      let answer = "";
      const socket = connect(Number(port), hostname, () => socket.write(bytes));
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
      socket.on("close", () => resolve(answer));
      socket.on("error", reject);
      socket.setTimeout(5000, () => socket.destroy());
    });
  }

  it("a CR inside a header value gets a JSON 400 with a request ID, and its own log line", async () => {
    const body = JSON.stringify({ query: "{ __typename }" });
    const answer = await rawRequest(
      `POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\nx-note: a\rb\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const requestId = /\r\nx-request-id: ([0-9a-f-]{36})\r\n/.exec(answer)?.[1];
    expect(requestId).toBeDefined();
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ errors: [{ extensions: { code: "BAD_HTTP_REQUEST" } }] });
    await expect.poll(() => linesFor(requestId!).length, { timeout: 5000 }).toBe(1);
    expect(linesFor(requestId!)[0]).toMatchObject({ msg: "request", status: 400 });
  });
});

describe("Prometheus metrics at /metrics", () => {
  let text: string;
  beforeAll(async () => {
    const response = await fetch(`${gateway.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    text = await response.text();
  });

  it("graphql_requests_total{operation,result}", () => {
    expect(text).toMatch(/^# TYPE graphql_requests_total counter$/m);
    expect(text).toMatch(/^graphql_requests_total\{operation="createWorkloadShare",result="success"\} 1$/m);
    expect(text).toMatch(/^graphql_requests_total\{operation="none",result="unauthenticated"\} 2$/m);
  });

  it("graphql_requests_in_flight", () => {
    expect(text).toMatch(/^# TYPE graphql_requests_in_flight gauge$/m);
    expect(text).toMatch(/^graphql_requests_in_flight 0$/m);
  });

  it("upstream_request_duration_seconds{operation,status} (histogram), one observation per attempt", () => {
    expect(text).toMatch(/^# TYPE upstream_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^upstream_request_duration_seconds_count\{operation="CreateWorkloadShare",status="503"\} 1$/m);
    expect(text).toMatch(/^upstream_request_duration_seconds_count\{operation="CreateWorkloadShare",status="200"\} 1$/m);
    expect(text).toMatch(/^upstream_request_duration_seconds_bucket\{le="\+Inf",operation="CreateWorkloadShare",status="200"\} 1$/m);
  });

  it("upstream_retries_total{operation,reason}", () => {
    expect(text).toMatch(/^# TYPE upstream_retries_total counter$/m);
    expect(text).toMatch(/^upstream_retries_total\{operation="CreateWorkloadShare",reason="http_503"\} 1$/m);
  });
});

describe("/health and /readiness", () => {
  it("/health is 200 while the process serves", async () => {
    expect((await fetch(`${gateway.origin}/health`)).status).toBe(200);
  });

  it("/readiness is 200 while the gateway serves", async () => {
    expect((await fetch(`${gateway.origin}/readiness`)).status).toBe(200);
  });

  it("/readiness stays 200 when the upstream does not answer (upstream_up says so instead)", async () => {
    const closed = await startScriptedUpstream();
    const url = closed.url;
    await closed.close();
    const unready = await startGateway(url);
    try {
      const origin = new URL(unready.url).origin;
      expect((await fetch(`${origin}/readiness`)).status).toBe(200);
      expect((await fetch(`${origin}/health`)).status).toBe(200);
      expect(await (await fetch(`${origin}/metrics`)).text()).toMatch(/^upstream_up 0$/m);
    } finally {
      await unready.close();
    }
  });
});

describe("everything the process wrote (stdout and stderr)", () => {
  it("holds none of the secrets used", () => {
    const everything = gateway.stdout() + gateway.stderr();
    expect(everything.length).toBeGreaterThan(0);
    for (const secretValue of [token, JWT_SECRET, AWS_SECRET, CLIENT_TOKEN, IDEMPOTENCY_KEY, COOKIE, "cookie-never-logged", FORGED, "Bearer "]) {
      expect(everything, secretValue).not.toContain(secretValue);
    }
    expect(everything).not.toMatch(/authorization/i);
  });

  it("is one JSON line per request on stdout (besides the startup lines)", () => {
    const requestLines = jsonLines(gateway.stdout()).filter((line) => line.msg === "request");
    const ids = requestLines.map((line) => line.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(requestLines.length).toBeGreaterThanOrEqual(6);
  });
});

describe("log line times", () => {
  it("are toISOString's text for any millisecond, whichever second came before", () => {
    const seconds = [0, 1_764_686_208, 1_764_686_209, 1_764_686_208, 253_402_300_799, 253_402_300_800, -1, -62_167_219_200];
    const times: number[] = [];
    for (const second of seconds) for (const ms of [0, 1, 9, 10, 99, 100, 999]) times.push(second * 1000 + ms);
    times.push(Date.now(), 1_764_686_208_123.9, 0.5);
    for (const at of times) expect(isoTime(at), String(at)).toBe(new Date(Math.floor(at)).toISOString());
  });
});

describe("the path in a request's log line", () => {
  it("is new URL(url).pathname, whatever the URL", () => {
    const urls = [
      "http://localhost/graphql",
      "http://127.0.0.1:4000/graphql",
      "http://localhost:4000/graphql?query={a}",
      "http://localhost/graphql#x",
      "http://localhost",
      "http://localhost?x=1",
      "https://gateway.example.com/a/b/c/",
      "http://localhost/a/./b/../graphql",
      "http://localhost/%7Egraphql",
      "http://localhost/gra%2Fphql",
      "http://localhost/a\\b",
      "http://localhost/a b",
      "http://localhost/ä",
      "http://localhost/a\tb",
      "http://user:pass@localhost/x;y=1",
      "http://localhost//double//slashes",
      "http://localhost/..",
      "http://[::1]:4000/graphql",
    ];
    for (const url of urls) expect(pathOf(url), url).toBe(new URL(url).pathname);
  });
});
