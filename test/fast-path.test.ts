// The fast path (src/server/fast-path/) changes no answer. Two gateways with
// the same production-like configuration (JWT auth, CORS allow-list, limits,
// masking, no introspection or suggestions), one with the fast path and one
// with FAST_PATH=false, each before its own emulator with the same seed, get
// the same raw HTTP requests in the same order: the common shape, and every
// shape the fast path must leave to yoga (decided from the headers, or from
// the body after reading it). Status, headers, body, the log line and the
// metrics must be the same, except what differs by nature (dates, generated
// IDs, durations). The fast path's counts show which way each request went.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "graphql";
import type { RunningEmulator } from "../src/emulator/server.js";
import { ValidDocuments } from "../src/server/fast-path/fast-path.js";
import { CREATE, SEEDED, startTestEmulator } from "./support/emulator.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { mintToken } from "./support/jwks.js";

const SECRET = "fast-path-test-secret-0123456789abcdef0123456789";
const ISSUER = "https://issuer.test/";
const AUDIENCE = "workload-share-gateway";
const ORIGIN = "https://app.example";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, method: string, path: string, headers: Record<string, string>, body?: Buffer | string, chunked = false): Promise<Raw> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, method, path, headers: body !== undefined && !chunked ? { ...headers, "content-length": String(Buffer.byteLength(body)) } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    if (body !== undefined) {
      if (chunked) {
        req.write(body);
        req.end();
      } else req.end(body);
    } else req.end();
  });
}

/** What may differ between two gateways for the same request: time, generated IDs, durations. */
function normalized(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
    .replace(/\b[0-9a-f]{32}\b/g, (id) => ((Object.values(SEEDED) as string[]).includes(id) ? id : "<id>"))
    .replace(/"(durationMs|latencyMs)":[0-9.]+/g, '"$1":<ms>')
    .replace(/"ftv1":"[^"]*"/g, '"ftv1":"<trace with timings>"');
}

function comparable(raw: Raw): { status: number; headers: Record<string, unknown>; body: string } {
  const { date: _date, ...headers } = raw.headers;
  // An Apollo trace encodes its timings as varints: its length, and so Content-Length, varies run to run.
  if (raw.body.includes('"ftv1":')) delete headers["content-length"];
  return { status: raw.status, headers: JSON.parse(normalized(JSON.stringify(headers))) as Record<string, unknown>, body: normalized(raw.body) };
}

const mutation = (sharedWith: string) => JSON.stringify({ query: CREATE, variables: { input: { workloadId: SEEDED.roomy, sharedWith, permissionType: "READONLY" } } });
const LIST = JSON.stringify({ query: `query { workloadShares(workloadId: "${SEEDED.dataLake}") { __typename ... on WorkloadShareConnection { edges { node { sharedWith permissionType } } } ... on Error { code } } }` });

interface Case {
  name: string;
  /** Which way the fast-path gateway sends it. */
  way: "fast" | "yoga" | "replayed";
  method?: string;
  path?: string;
  headers?: Record<string, string | null>;
  body?: Buffer | string;
  chunked?: boolean;
}

describe("the fast path answers exactly as yoga's full pipeline", () => {
  let emulators: RunningEmulator[] = [];
  let fast: TestGateway;
  let full: TestGateway;
  const logs: { fast: string[]; full: string[] } = { fast: [], full: [] };
  let write: string;
  let readOnly: string;
  let cases: Case[];

  beforeAll(async () => {
    emulators = [await startTestEmulator(), await startTestEmulator()];
    const secret = { secret: new TextEncoder().encode(SECRET), alg: "HS256" as const };
    write = await mintToken(secret, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: "workload-shares:write workload-shares:read" } });
    readOnly = await mintToken(secret, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: "workload-shares:read" } });
    const config = {
      production: true,
      authMode: "jwt" as const,
      jwt: { jwksUrl: null, secret: SECRET, issuer: ISSUER, audience: AUDIENCE, readScope: "workload-shares:read", writeScope: "workload-shares:write" },
      corsOrigins: [ORIGIN],
      introspection: false,
      fieldSuggestions: false,
      batchLimit: 3,
      maxBodyBytes: 4096,
    };
    fast = await startGateway(emulators[0]!.url, { ...config, fastPath: true, services: { log: (line) => logs.fast.push(line) } });
    full = await startGateway(emulators[1]!.url, { ...config, fastPath: false, services: { log: (line) => logs.full.push(line) } });
    const invalidUtf8 = Buffer.concat([Buffer.from('{"query":"{ __typename }","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    cases = [
      { name: "a mutation", way: "fast", body: mutation("123456789012") },
      { name: "the same mutation again (a ConflictError from the upstream)", way: "fast", body: mutation("123456789012") },
      { name: "a query", way: "fast", body: LIST },
      { name: "an allowed origin", way: "fast", headers: { origin: ORIGIN }, body: LIST },
      { name: "another origin", way: "fast", headers: { origin: "https://evil.example" }, body: LIST },
      { name: "the client's request ID and an Idempotency-Key", way: "fast", headers: { "x-request-id": "client-id-1", "idempotency-key": "k-1" }, body: mutation("210987654321") },
      { name: "Accept: application/json", way: "fast", headers: { accept: "application/json" }, body: LIST },
      { name: "Accept: application/graphql-response+json", way: "fast", headers: { accept: "application/graphql-response+json" }, body: LIST },
      { name: "a charset in the content type", way: "fast", headers: { "content-type": "application/json; charset=utf-8" }, body: LIST },
      { name: "an invalid sharedWith (a ValidationError result)", way: "fast", body: mutation("12345") },
      { name: "a read-only token on a mutation", way: "fast", headers: { authorization: `Bearer ${readOnly}` }, body: mutation("111111111111") },
      { name: "variables that do not coerce", way: "fast", body: JSON.stringify({ query: CREATE, variables: { input: { workloadId: 7 } } }) },
      { name: "operationName and null extensions", way: "fast", body: JSON.stringify({ query: `query Q { __typename }`, operationName: "Q", extensions: null, variables: null }) },
      { name: "a document that does not validate (application/json)", way: "replayed", headers: { accept: "application/json" }, body: JSON.stringify({ query: "{ nope }" }) },
      { name: "a document that does not validate", way: "replayed", body: JSON.stringify({ query: "{ workloadShares { nope } }" }) },
      { name: "a syntax error", way: "replayed", body: JSON.stringify({ query: "{" }) },
      { name: "over MAX_DEPTH", way: "replayed", body: JSON.stringify({ query: `{ ${"a: __typename ".repeat(20)} }` }) },
      { name: "introspection in production", way: "replayed", body: JSON.stringify({ query: "{ __schema { types { name } } }" }) },
      { name: "an unknown operationName", way: "replayed", body: JSON.stringify({ query: "query A { __typename }", operationName: "B" }) },
      { name: "a document that passed before, with an unknown operationName", way: "replayed", body: JSON.stringify({ query: (JSON.parse(LIST) as { query: string }).query, operationName: "Nope" }) },
      { name: "a document that failed before, again", way: "replayed", body: JSON.stringify({ query: "{ workloadShares { nope } }" }) },
      { name: "two operations, no operationName", way: "replayed", body: JSON.stringify({ query: "query A { __typename } query B { __typename }" }) },
      { name: "invalid JSON", way: "replayed", body: '{"query": ' },
      { name: "an empty body", way: "replayed", body: "" },
      { name: "a JSON string", way: "replayed", body: '"{ __typename }"' },
      { name: "a body that is not UTF-8", way: "replayed", body: invalidUtf8 },
      { name: "a batch", way: "replayed", body: JSON.stringify([{ query: "{ __typename }" }, { query: LIST.length > 0 ? "{ __typename }" : "" }]) },
      { name: "a batch over BATCH_LIMIT", way: "replayed", body: JSON.stringify([1, 2, 3, 4].map(() => ({ query: "{ __typename }" }))) },
      { name: "an unknown parameter", way: "replayed", body: JSON.stringify({ query: "{ __typename }", foo: 1 }) },
      { name: "a documentId", way: "replayed", body: JSON.stringify({ documentId: "sha256:abc" }) },
      { name: "a persisted query", way: "replayed", body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "abc" } } }) },
      { name: "an empty query", way: "replayed", body: JSON.stringify({ query: "" }) },
      { name: "variables as a string", way: "replayed", body: JSON.stringify({ query: "{ __typename }", variables: "{}" }) },
      { name: "no token", way: "yoga", headers: { authorization: null }, body: LIST },
      { name: "a bad token", way: "yoga", headers: { authorization: "Bearer nope" }, body: LIST },
      { name: "text/plain", way: "yoga", headers: { "content-type": "text/plain" }, body: LIST },
      { name: "application/graphql+json", way: "yoga", headers: { "content-type": "application/graphql+json" }, body: LIST },
      { name: "no content type", way: "yoga", headers: { "content-type": null }, body: LIST },
      { name: "a chunked body", way: "yoga", headers: { "transfer-encoding": "chunked" }, body: LIST, chunked: true },
      { name: "a body over MAX_BODY_BYTES", way: "yoga", body: JSON.stringify({ query: `{ __typename ${" ".repeat(5000)} }` }) },
      { name: "a query string on the path", way: "yoga", path: "/graphql?x=1", body: LIST },
      { name: "Accept: text/event-stream", way: "yoga", headers: { accept: "text/event-stream" }, body: LIST },
      { name: "Accept: multipart/mixed", way: "yoga", headers: { accept: "multipart/mixed" }, body: LIST },
      { name: "an ftv1 trace request", way: "yoga", headers: { "apollo-federation-include-trace": "ftv1" }, body: LIST },
      { name: "a GET", way: "yoga", method: "GET", path: `/graphql?query=${encodeURIComponent("{ __typename }")}`, headers: { "x-graphql-yoga-csrf": "1" } },
      { name: "a GET without a CSRF header", way: "yoga", method: "GET", path: `/graphql?query=${encodeURIComponent("{ __typename }")}` },
      { name: "a preflight", way: "yoga", method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "POST" } },
      { name: "a PUT", way: "yoga", method: "PUT", body: LIST },
      { name: "another path", way: "yoga", path: "/elsewhere", body: LIST },
      { name: "readiness", way: "yoga", method: "GET", path: "/readiness" },
    ];
  });

  afterAll(async () => {
    await fast?.close();
    await full?.close();
    await Promise.all(emulators.map((e) => e.close()));
  });

  it("every request gets the same status, headers and body on both, and takes the way it should", async () => {
    for (const c of cases) {
      const headers: Record<string, string> = {};
      const given = { "content-type": "application/json", authorization: `Bearer ${write}`, ...c.headers };
      for (const [name, value] of Object.entries(given)) if (value !== null) headers[name] = value;
      const before = { ...fast.gateway.node.counts! };
      const [a, b] = await Promise.all(
        [fast, full].map((g) => send(g.url, c.method ?? "POST", c.path ?? "/graphql", headers, c.body, c.chunked)),
      );
      expect(comparable(a!), c.name).toEqual(comparable(b!));
      const after = fast.gateway.node.counts!;
      expect({ way: c.name, fast: after.fast - before.fast, yoga: after.yoga - before.yoga, replayed: after.replayed - before.replayed }).toEqual({
        way: c.name,
        fast: c.way === "fast" ? 1 : 0,
        yoga: c.way === "yoga" ? 1 : 0,
        replayed: c.way === "replayed" ? 1 : 0,
      });
    }
    expect(full.gateway.node.counts).toBeNull();
  });

  it("wrote the same log lines (request ID, operation, result types, errors, upstream attempts, caller)", async () => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // lines are written after the response
    expect(logs.fast.length).toBeGreaterThanOrEqual(cases.length - 1);
    const lines = (all: string[]) => all.map((line) => normalized(line).replace(/"requestId":"[^"]*"/, '"requestId":"<id>"')).sort();
    expect(lines(logs.fast)).toEqual(lines(logs.full));
  });

  it("counted the same requests in the same metrics", async () => {
    const counters = async (g: TestGateway) =>
      (await (await g.gateway.fetch("http://localhost/metrics")).text())
        .split("\n")
        .filter((line: string) => /^(graphql_requests_total|graphql_requests_in_flight|upstream_retries_total)/.test(line))
        .sort();
    const [a, b] = [await counters(fast), await counters(full)];
    expect(a.length).toBeGreaterThan(3);
    expect(a).toEqual(b);
  });
});

describe("the documents the fast path remembers", () => {
  it("holds at most 1000, the oldest going first, and never a text over 16 KiB", () => {
    const documents = new ValidDocuments();
    const document = parse("{ __typename }");
    for (let i = 0; i < 1001; i++) documents.remember(`{ __typename } # ${i}`, document);
    expect(documents.get("{ __typename } # 0")).toBeUndefined();
    expect(documents.get("{ __typename } # 1")).toBe(document);
    expect(documents.get("{ __typename } # 1000")).toBe(document);
    const long = `{ __typename } #${" ".repeat(16 * 1024)}`;
    documents.remember(long, document);
    expect(documents.get(long)).toBeUndefined();
    expect(documents.get("{ __typename } # 1")).toBe(document);
  });
});
