// The bad-input battery: each abusive request is answered with a clear 4xx
// (or, for a valid document with bad values, a typed error), the server stays
// up, and nothing reaches the upstream for a refused request. Limit refusals
// (contract "Callers") are 4xx whatever the Accept header, with a GraphQL
// error naming the limit. Boundaries are literal numbers, not the constants.
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CREATE } from "./support/emulator.js";
import { gql, startGateway, type TestGateway } from "./support/gateway.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";

const WORKLOAD = "0123456789abcdef0123456789abcdef";
const LISTED = { status: 200, body: '{"success": true, "data": {"items": [], "next_token": null}}' };
const CREATED = { status: 200, body: '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}' };

let upstream: ScriptedUpstream;
let gateway: TestGateway;
let origin: string;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  gateway = await startGateway(upstream.url);
  origin = new URL(gateway.url).origin;
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.script(LISTED));
afterEach(async () => {
  // The server stays up: health and a real query still work after every abuse.
  expect((await fetch(`${origin}/health`)).status).toBe(200);
  const { status, body } = await gql(gateway.url, "{ __typename }");
  expect(status).toBe(200);
  expect(body.data).toEqual({ __typename: "Query" });
});

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary response shapes
  body: any;
}

async function send(body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }, url = gateway.url): Promise<Answer> {
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const post = (document: object, headers?: Record<string, string>, url?: string) =>
  send(JSON.stringify(document), { "content-type": "application/json", ...headers }, url);

/** A refusal: 4xx, errors and no data, nothing upstream. */
function expectRefused(answer: Answer, status?: number): void {
  if (status !== undefined) expect(answer.status).toBe(status);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(answer.body.errors?.length).toBeGreaterThan(0);
  expect(answer.body.data ?? null).toBeNull();
  expect(upstream.received).toHaveLength(0);
}

function expectLimit(answer: Answer, limit: string): void {
  expectRefused(answer, 400);
  const error = answer.body.errors.find((e: { extensions?: { limit?: string } }) => e.extensions?.limit === limit);
  expect(error, JSON.stringify(answer.body)).toBeDefined();
  expect(error.message).toContain(limit);
  expect(error.extensions.code).toBe(`${limit}_EXCEEDED`);
}

/** A query whose fields nest exactly `depth` levels (workloadShares > edges > node > workload > shares > ...). */
function deepQuery(depth: number): string {
  const cycle = ["edges", "node", "workload", "shares"];
  let open = `workloadShares(workloadId: "${WORKLOAD}") { ... on WorkloadShareConnection { `;
  let close = "} }";
  for (let level = 2; level < depth; level++) {
    const field = cycle[(level - 2) % cycle.length];
    if (field === "shares") {
      open += "shares { ... on WorkloadShareConnection { ";
      close = `} } ${close}`;
    } else {
      open += `${field} { `;
      close = `} ${close}`;
    }
  }
  return `{ ${open}__typename ${close} }`;
}

const aliases = (n: number, field = "__typename") => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ")} }`;

function createFields(n: number): string {
  const fields = Array.from(
    { length: n },
    (_, i) =>
      `c${i}: createWorkloadShare(input: { workloadId: "${WORKLOAD}", sharedWith: "1234567890${String(i).padStart(2, "0")}", permissionType: READONLY, clientRequestToken: "limit-${i}" }) { __typename }`,
  );
  return `mutation { ${fields.join(" ")} }`;
}

describe("malformed requests", () => {
  it("malformed JSON is 400", async () => {
    expectRefused(await send('{"query": "{ __typename }"'), 400);
  });

  it("a wrong content type is 415 (or 403 for the form types a browser may send cross-site)", async () => {
    expectRefused(await send("<query/>", { "content-type": "application/xml" }), 415);
    expectRefused(await send(JSON.stringify({ query: "{ __typename }" }), { "content-type": "text/plain" }), 403);
    expectRefused(await send("query=%7B__typename%7D", { "content-type": "application/x-www-form-urlencoded" }), 403);
  });

  it("invalid UTF-8 is 400, never decoded into U+FFFD", async () => {
    const body = Buffer.concat([
      Buffer.from(`{"query":"{ workloadShares(workloadId: \\"`),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(`\\") { __typename } }"}`),
    ]);
    const answer = await send(body);
    expectRefused(answer, 400);
    expect(answer.body.errors[0].message).toMatch(/UTF-8/);
  });

  it("an unknown field is 400", async () => {
    expectRefused(await post({ query: "{ shares { id } }" }), 400);
  });

  it("a variable of the wrong type is 400", async () => {
    const query = "query($first: Int) { workloadShares(workloadId: \"" + WORKLOAD + "\", first: $first) { __typename } }";
    expectRefused(await post({ query, variables: { first: "fifty" } }), 400);
    expectRefused(await post({ query: CREATE, variables: { input: { workloadId: WORKLOAD, sharedWith: 123, permissionType: "ADMIN" } } }), 400);
  });

  it("an unknown variable-less operation name, a missing query, a non-object body are 400", async () => {
    expectRefused(await post({ query: "query A { __typename }", operationName: "B" }), 400);
    expectRefused(await post({ variables: {} }), 400);
    expectRefused(await send("42"), 400);
  });

  it("a mutation over GET is refused", async () => {
    const url = `${gateway.url}?query=${encodeURIComponent(createFields(1))}`;
    const response = await fetch(url, { headers: { "x-graphql-yoga-csrf": "1" } });
    expect(response.status).toBe(405);
    expect(upstream.received).toHaveLength(0);
  });
});

describe("MAX_BODY_BYTES (413)", () => {
  const tenMegabytes = JSON.stringify({ query: "{ __typename }", variables: { pad: "a".repeat(10 * 1024 * 1024) } });

  it("a 10 MB body with Content-Length", async () => {
    const answer = await send(tenMegabytes);
    expectRefused(answer, 413);
    expect(answer.body.errors[0].message).toContain("MAX_BODY_BYTES");
  });

  it("a 10 MB chunked body (no Content-Length)", async () => {
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 10 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]?.message).toContain("MAX_BODY_BYTES");
    expect(upstream.received).toHaveLength(0);
  });

  it("a body just under the limit is read", async () => {
    const document = JSON.stringify({ query: "{ __typename }", variables: { pad: "" } });
    const padded = document.replace('"pad":""', `"pad":"${"a".repeat(1_048_576 - document.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(1_048_576);
    expect((await send(padded)).status).toBe(200);
    expect((await send(padded.replace('"pad":"', '"pad":"a'))).status).toBe(413);
  });
});

describe("document limits", () => {
  it("1,000 aliases are refused before anything runs", async () => {
    const answer = await post({ query: aliases(1000, `workloadShares(workloadId: "${WORKLOAD}") { __typename }`) });
    expectRefused(answer, 400);
    expect(["MAX_TOKENS", "MAX_ALIASES"]).toContain(answer.body.errors[0].extensions.limit);
  });

  it("MAX_ALIASES: 15 aliases run, 16 are refused", async () => {
    expect((await post({ query: aliases(15) })).status).toBe(200);
    expectLimit(await post({ query: aliases(16) }), "MAX_ALIASES");
  });

  it("depth 50 is refused", async () => {
    expectLimit(await post({ query: deepQuery(50) }), "MAX_DEPTH");
  });

  it("MAX_DEPTH: depth 12 runs, 13 is refused", async () => {
    const ok = await post({ query: deepQuery(12) });
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.workloadShares).toEqual({ edges: [] });
    upstream.script(LISTED);
    expectLimit(await post({ query: deepQuery(13) }), "MAX_DEPTH");
  });

  it("MAX_TOKENS: 2000 tokens run, 2001 are refused (the other limits out of the way)", async () => {
    const roomy = await startGateway(upstream.url, {
      limits: { maxDepth: 12, maxAliases: 10_000, maxTokens: 2000, maxDirectives: 10, maxWriteFields: 10 },
    });
    try {
      // `{` + n aliases of 3 tokens + `}`; a trailing ` __typename` adds one token.
      const withTokens = (n: number) => `{ ${aliases(Math.floor((n - 2) / 3)).slice(2, -2)}${" __typename".repeat((n - 2) % 3)} }`;
      const ok = await post({ query: withTokens(2000) }, {}, roomy.url);
      expect(ok.status).toBe(200);
      expect(Object.keys(ok.body.data).length).toBeGreaterThan(600);
      expectLimit(await post({ query: withTokens(2001) }, {}, roomy.url), "MAX_TOKENS");
    } finally {
      await roomy.close();
    }
  });

  it("MAX_DIRECTIVES: 10 directives run, 11 are refused", async () => {
    const withDirectives = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename @include(if: true)`).join(" ")} }`;
    expect((await post({ query: withDirectives(10) })).status).toBe(200);
    expectLimit(await post({ query: withDirectives(11) }), "MAX_DIRECTIVES");
  });

  it("11 mutation fields are refused (MAX_WRITE_FIELDS), with no upstream call", async () => {
    expectLimit(await post({ query: createFields(11) }), "MAX_WRITE_FIELDS");
  });

  it("10 mutation fields run, one upstream call each", async () => {
    upstream.script(CREATED);
    const answer = await post({ query: createFields(10) });
    expect(answer.status).toBe(200);
    expect(Object.values(answer.body.data).every((r) => (r as { __typename: string }).__typename === "CreateWorkloadShareSuccess")).toBe(true);
    expect(upstream.received).toHaveLength(10);
  });

  it("fragments do not hide mutation fields from MAX_WRITE_FIELDS", async () => {
    const fields = createFields(6).replace(/^mutation \{ /, "").replace(/ \}$/, "");
    const query = `mutation { ...A ...B } fragment A on Mutation { ${fields} } fragment B on Mutation { ${fields.replace(/c(\d):/g, "d$1:")} }`;
    expectLimit(await post({ query }), "MAX_WRITE_FIELDS");
  });

  it("a limit refusal is 4xx even for clients that accept application/json", async () => {
    expectLimit(await post({ query: deepQuery(50) }, { accept: "application/json" }), "MAX_DEPTH");
  });
});

describe("BATCH_LIMIT", () => {
  it("a batch of 1,000 operations is refused when batching is off (the default)", async () => {
    const batch = Array.from({ length: 1000 }, () => ({ query: `{ workloadShares(workloadId: "${WORKLOAD}") { __typename } }` }));
    expectLimit(await send(JSON.stringify(batch)), "BATCH_LIMIT");
  });

  it("with BATCH_LIMIT=5: 5 operations run, 6 are refused", async () => {
    const batching = await startGateway(upstream.url, { batchLimit: 5 });
    try {
      const batch = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ query: "{ __typename }" })));
      const ok = await send(batch(5), undefined, batching.url);
      expect(ok.status).toBe(200);
      expect(ok.body).toHaveLength(5);
      expectLimit(await send(batch(6), undefined, batching.url), "BATCH_LIMIT");
      expectLimit(await send(batch(1000), undefined, batching.url), "BATCH_LIMIT");
    } finally {
      await batching.close();
    }
  });
});

/** Writes raw bytes to the gateway and returns the status line of its answer. */
function rawRequest(bytes: string): Promise<string> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    socket.on("end", () => resolve(answer.split("\r\n")[0] ?? ""));
    socket.on("close", () => resolve(answer.split("\r\n")[0] ?? ""));
    socket.on("error", reject);
    socket.setTimeout(5000, () => socket.destroy());
  });
}

describe("CR/LF in headers and variables", () => {
  const body = JSON.stringify({ query: "{ __typename }" });

  it("a bare CR or LF inside a header value is a 400 from the HTTP parser", async () => {
    for (const injected of ["x-request-id: abc\rx-injected: 1", "idempotency-key: k\nx-injected: 1"]) {
      const status = await rawRequest(
        `POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n${injected}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
      expect(status).toMatch(/^HTTP\/1\.1 400/);
    }
    expect(upstream.received).toHaveLength(0);
  });

  it("an X-Request-Id that is not a plain token is replaced, not echoed", async () => {
    const { headers } = await gql(gateway.url, "{ __typename }", {}, { "x-request-id": "has spaces and ünïcode" });
    expect(headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("CR/LF in an ID variable is a ValidationError (no upstream call)", async () => {
    const input = { workloadId: `${WORKLOAD}\r\nx-injected: 1`, sharedWith: "123456789012", permissionType: "READONLY" };
    const { status, body: result } = await gql(gateway.url, CREATE, { input });
    expect(status).toBe(200);
    expect(result.data.createWorkloadShare).toMatchObject({ __typename: "ValidationError", code: "VALIDATION_ERROR" });
    expect(upstream.received).toHaveLength(0);
  });

  it("CR/LF in a free-text variable travels only as JSON-escaped body text, never as a header", async () => {
    upstream.script(CREATED);
    const sharedWith = "123456789012\r\nx-injected: 1";
    const input = { workloadId: WORKLOAD, sharedWith, permissionType: "READONLY", clientRequestToken: "tok\r\nx-injected: 2" };
    const { body: result } = await gql(gateway.url, CREATE, { input });
    expect(result.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    const [received] = upstream.received;
    expect(received?.headers["x-injected"]).toBeUndefined();
    expect(JSON.parse(received?.body ?? "{}")).toMatchObject({ SharedWith: sharedWith, ClientRequestToken: "tok\r\nx-injected: 2" });
  });
});

describe("production: introspection and field suggestions off unless enabled", () => {
  let production: TestGateway;
  beforeAll(async () => {
    production = await startGateway(upstream.url, { production: true, introspection: false, fieldSuggestions: false });
  });
  afterAll(() => production?.close());

  it("introspection is refused", async () => {
    expectRefused(await post({ query: "{ __schema { types { name } } }" }, {}, production.url), 400);
    expectRefused(await post({ query: '{ __type(name: "Query") { name } }' }, {}, production.url), 400);
  });

  it("errors carry no suggestions", async () => {
    const field = await post({ query: "{ workloadShare(workloadId: \"x\") { __typename } }" }, {}, production.url);
    expectRefused(field, 400);
    expect(JSON.stringify(field.body)).not.toMatch(/Did you mean/);
    const enumValue = await post(
      { query: CREATE, variables: { input: { workloadId: WORKLOAD, sharedWith: "123456789012", permissionType: "READONLY_" } } },
      {},
      production.url,
    );
    expectRefused(enumValue, 400);
    expect(JSON.stringify(enumValue.body)).not.toMatch(/Did you mean/);
  });

  it("in development both are on", async () => {
    expect((await post({ query: "{ __schema { queryType { name } } }" })).status).toBe(200);
    const { body } = await post({ query: "{ workloadShare { __typename } }" });
    expect(body.errors[0].message).toMatch(/Did you mean "workloadShares"\?/);
  });
});
