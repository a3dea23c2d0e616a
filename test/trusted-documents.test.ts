// Contract: "Trusted documents (persisted operations)". The real gateway on
// loopback (in-process, and spawned as `npm start` runs it for start-up,
// SIGHUP and the production default) with the emulator as its upstream,
// whose /__emulator/requests shows whether anything reached it.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, readConfig, type TrustedDocumentsConfig } from "../src/config.js";
import type { RunningEmulator } from "../src/emulator/server.js";
import { CREATE, SEEDED, resetEmulator, startTestEmulator } from "./support/emulator.js";
import { startGateway, type TestGateway, type TestGatewayOptions } from "./support/gateway.js";
import { mintToken } from "./support/jwks.js";
import { jsonLines, runGatewayProcessToExit, startGatewayProcess, type GatewayProcess } from "./support/process.js";

// ---------------------------------------------------------------------------
// Documents and manifests

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
const sha1 = (text: string): string => createHash("sha1").update(text, "utf8").digest("hex");

const LIST = `query ListShares($workloadId: ID!) { workloadShares(workloadId: $workloadId) { __typename ... on WorkloadShareConnection { edges { node { id sharedWith } } } ... on Error { code } } }`;
const ROOMY = `query RoomyShares { workloadShares(workloadId: "${SEEDED.roomy}") { __typename } }`;
const DATA_LAKE = `query DataLakeShares { workloadShares(workloadId: "${SEEDED.dataLake}") { __typename } }`;
const ARBITRARY = `{ workloadShares(workloadId: "${SEEDED.dataLake}") { __typename } }`;

let dir = "";
let file = 0;
function writeFile(name: string, content: string): string {
  const path = join(dir, `${++file}-${name}`);
  writeFileSync(path, content);
  return path;
}
/** GraphQL Code Generator client-preset persisted-documents.json. */
const clientPreset = (documents: Record<string, string>, name = "persisted-documents.json"): string =>
  writeFile(name, JSON.stringify(documents, null, 2));
/** Apollo's persisted query manifest. */
function apolloManifest(operations: { id: string; body: string; name?: string; type?: string }[]): string {
  const full = operations.map((o) => ({ name: "Op", type: "query", ...o }));
  return writeFile("persisted-query-manifest.json", JSON.stringify({ format: "apollo-persisted-query-manifest", version: 1, operations: full }));
}

// ---------------------------------------------------------------------------
// HTTP

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
  body: any;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify(body),
  }).then(answerOf);
}

const CSRF = { "x-apollo-operation-name": "Op" };

function get(url: string, params: Record<string, unknown>, headers: Record<string, string> = CSRF): Promise<Answer> {
  const query = new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as [string, string]),
  );
  return fetch(`${url}?${query.toString()}`, { headers: { accept: "application/graphql-response+json", ...headers } }).then(answerOf);
}

const persistedQuery = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

let emulator: RunningEmulator;
const open: { close(): Promise<void> }[] = [];
const processes: GatewayProcess[] = [];

async function upstreamRequests(): Promise<number> {
  const response = await fetch(`${emulator.url}/__emulator/requests`);
  return ((await response.json()) as { requests: unknown[] }).requests.length;
}

/** The answer, and how many requests reached the upstream while it was made. */
async function counted(request: () => Promise<Answer>): Promise<Answer & { upstream: number }> {
  const before = await upstreamRequests();
  const answer = await request();
  return { ...answer, upstream: (await upstreamRequests()) - before };
}

async function gatewayWith(trustedDocuments: TrustedDocumentsConfig | null, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const gateway = await startGateway(emulator.url, { trustedDocuments, ...options });
  open.push(gateway);
  return gateway;
}

function expectRefusal(answer: Answer & { upstream?: number }, code: string): void {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors[0].extensions.code).toBe(code);
  if (answer.upstream !== undefined) expect(answer.upstream).toBe(0);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "trusted-documents-"));
  emulator = await startTestEmulator();
});
afterAll(async () => {
  for (const p of processes) p.kill();
  await Promise.all(open.map((g) => g.close()));
  await emulator.close();
});

// ---------------------------------------------------------------------------

describe("both manifest formats: a document is found by its ID", () => {
  let gateway: TestGateway;
  // client-preset with hashAlgorithm sha256 (keys "sha256:<hex>") and its default sha1 (40 hex: an opaque ID);
  // an older client-preset (plain 64 hex); Apollo's manifest with a hash ID and a custom (opaque) one.
  const LIST_ID = `sha256:${sha256(LIST)}`;
  const CREATE_SHA1 = sha1(CREATE);
  beforeAll(async () => {
    const files = [
      clientPreset({ [LIST_ID]: LIST, [CREATE_SHA1]: CREATE }),
      clientPreset({ [sha256(DATA_LAKE)]: DATA_LAKE }),
      apolloManifest([
        { id: sha256(CREATE), name: "Create", type: "mutation", body: CREATE },
        { id: "roomy-shares@v1", name: "RoomyShares", body: ROOMY },
      ]),
    ];
    gateway = await gatewayWith({ files, only: true });
  });

  it("POST documentId sha256:<hex> from a client-preset manifest runs that document with its variables", async () => {
    const answer = await post(gateway.url, { documentId: LIST_ID, variables: { workloadId: SEEDED.dataLake } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
    expect(answer.body.data.workloadShares.edges.length).toBeGreaterThan(0);
  });

  it("a sha256 ID may be sent without its sha256: prefix", async () => {
    const answer = await post(gateway.url, { documentId: sha256(LIST), variables: { workloadId: SEEDED.dataLake } });
    expect(answer.body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
  });

  it("a plain 64-hex key is a hash too: found with the sha256: prefix", async () => {
    const answer = await post(gateway.url, { documentId: `sha256:${sha256(DATA_LAKE)}` });
    expect(answer.body).toEqual({ data: { workloadShares: { __typename: "WorkloadShareConnection" } } });
  });

  it("Apollo's extensions.persistedQuery in a POST body runs the Apollo manifest's mutation", async () => {
    await resetEmulator(emulator.url);
    const answer = await post(gateway.url, {
      operationName: "Create",
      variables: { input: { workloadId: SEEDED.roomy, sharedWith: "111122223333", permissionType: "READONLY" } },
      extensions: persistedQuery(sha256(CREATE)),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
  });

  it("a hash ID is found whichever manifest it came from and in either request form", async () => {
    // The Apollo manifest's mutation by documentId, the client-preset's query by persistedQuery.
    await resetEmulator(emulator.url);
    const create = await post(gateway.url, {
      documentId: `sha256:${sha256(CREATE)}`,
      variables: { input: { workloadId: SEEDED.roomy, sharedWith: "111122223334", permissionType: "READONLY" } },
    });
    expect(create.body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    const list = await post(gateway.url, { variables: { workloadId: SEEDED.roomy }, extensions: persistedQuery(sha256(LIST)) });
    expect(list.body.data.workloadShares.edges).toHaveLength(1);
  });

  it("GET documentId in the query string runs a query (with a CSRF-prevention header)", async () => {
    for (const header of ["x-graphql-yoga-csrf", "apollo-require-preflight", "x-apollo-operation-name"]) {
      const answer = await get(gateway.url, { documentId: LIST_ID, variables: { workloadId: SEEDED.dataLake } }, { [header]: "1" });
      expect(answer.status, header).toBe(200);
      expect(answer.body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
    }
  });

  it("GET with Apollo's extensions.persistedQuery in the query string runs a query", async () => {
    const answer = await get(gateway.url, { variables: { workloadId: SEEDED.dataLake }, extensions: persistedQuery(sha256(LIST)) });
    expect(answer.status).toBe(200);
    expect(answer.body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
  });

  it("a GET by ID without a CSRF-prevention header is refused (403) and nothing reaches the upstream", async () => {
    const answer = await counted(() => get(gateway.url, { documentId: LIST_ID, variables: { workloadId: SEEDED.dataLake } }, {}));
    expect(answer.status).toBe(403);
    expect(answer.upstream).toBe(0);
  });

  it("a mutation by GET is refused as any GET mutation is (405), and nothing reaches the upstream", async () => {
    const variables = { input: { workloadId: SEEDED.roomy, sharedWith: "999988887777", permissionType: "READONLY" } };
    for (const params of [{ documentId: `sha256:${sha256(CREATE)}`, variables }, { extensions: persistedQuery(sha256(CREATE)), variables }]) {
      const answer = await counted(() => get(gateway.url, params));
      expect(answer.status).toBe(405);
      expect(answer.upstream).toBe(0);
    }
  });

  it("an opaque ID is found only as written", async () => {
    const found = await post(gateway.url, { documentId: "roomy-shares@v1" });
    expect(found.body).toEqual({ data: { workloadShares: { __typename: "WorkloadShareConnection" } } });
    // Apollo clients with a custom ID send it as sha256Hash.
    const byApollo = await post(gateway.url, { extensions: persistedQuery("roomy-shares@v1") });
    expect(byApollo.body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
    for (const other of ["Roomy-Shares@v1", "sha256:roomy-shares@v1", " roomy-shares@v1"]) {
      expectRefusal(await counted(() => post(gateway.url, { documentId: other })), "PERSISTED_QUERY_NOT_FOUND");
    }
  });

  it("a client-preset sha1 key (its default hashAlgorithm) is an opaque ID: found as written, not as a sha256", async () => {
    await resetEmulator(emulator.url);
    const variables = { input: { workloadId: SEEDED.roomy, sharedWith: "123412341234", permissionType: "READONLY" } };
    const answer = await post(gateway.url, { documentId: CREATE_SHA1, variables });
    expect(answer.body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    expectRefusal(await counted(() => post(gateway.url, { documentId: `sha256:${CREATE_SHA1}`, variables })), "PERSISTED_QUERY_NOT_FOUND");
  });
});

describe("refusals are HTTP 400 with extensions.code, nothing executes and nothing reaches the upstream", () => {
  let gateway: TestGateway;
  const UNKNOWN = sha256("query Unknown { __typename }");
  beforeAll(async () => {
    gateway = await gatewayWith({ files: [clientPreset({ [`sha256:${sha256(LIST)}`]: LIST, [sha256(ROOMY)]: ROOMY })], only: true });
  });

  it.each([
    ["documentId sha256:<hex>", { documentId: `sha256:${UNKNOWN}` }],
    ["documentId <hex>", { documentId: UNKNOWN }],
    ["an opaque documentId", { documentId: "ListShares@v9" }],
    ["extensions.persistedQuery", { extensions: persistedQuery(UNKNOWN) }],
  ])("an unknown ID (%s) is PERSISTED_QUERY_NOT_FOUND", async (_, body) => {
    expectRefusal(await counted(() => post(gateway.url, { ...body, variables: { workloadId: SEEDED.dataLake } })), "PERSISTED_QUERY_NOT_FOUND");
  });

  it("an unknown ID by GET is PERSISTED_QUERY_NOT_FOUND", async () => {
    expectRefusal(await counted(() => get(gateway.url, { documentId: UNKNOWN })), "PERSISTED_QUERY_NOT_FOUND");
    expectRefusal(await counted(() => get(gateway.url, { extensions: persistedQuery(UNKNOWN) })), "PERSISTED_QUERY_NOT_FOUND");
  });

  it("an unknown ID that comes with a query is PERSISTED_QUERY_NOT_FOUND, and the query is never registered", async () => {
    const withQuery = { query: ARBITRARY, extensions: persistedQuery(sha256(ARBITRARY)) };
    expectRefusal(await counted(() => post(gateway.url, withQuery)), "PERSISTED_QUERY_NOT_FOUND");
    expectRefusal(await counted(() => post(gateway.url, { query: ARBITRARY, documentId: `sha256:${sha256(ARBITRARY)}` })), "PERSISTED_QUERY_NOT_FOUND");
    // Apollo's link then sends the hash alone again: still unknown.
    expectRefusal(await counted(() => post(gateway.url, { extensions: persistedQuery(sha256(ARBITRARY)) })), "PERSISTED_QUERY_NOT_FOUND");
  });

  it("with TRUSTED_DOCUMENTS_ONLY=true a query without an ID is PERSISTED_QUERY_ONLY, by POST and by GET", async () => {
    expectRefusal(await counted(() => post(gateway.url, { query: ARBITRARY })), "PERSISTED_QUERY_ONLY");
    expectRefusal(await counted(() => get(gateway.url, { query: ARBITRARY })), "PERSISTED_QUERY_ONLY");
  });

  it("... even when the text is a manifest document (clients send IDs)", async () => {
    expectRefusal(await counted(() => post(gateway.url, { query: ROOMY })), "PERSISTED_QUERY_ONLY");
  });

  it("a known ID with a query that is not its document is PERSISTED_QUERY_MISMATCH", async () => {
    expectRefusal(await counted(() => post(gateway.url, { documentId: sha256(ROOMY), query: ARBITRARY })), "PERSISTED_QUERY_MISMATCH");
    expectRefusal(await counted(() => post(gateway.url, { query: `${ROOMY} `, extensions: persistedQuery(sha256(ROOMY)) })), "PERSISTED_QUERY_MISMATCH");
    expectRefusal(await counted(() => get(gateway.url, { documentId: sha256(ROOMY), query: ARBITRARY })), "PERSISTED_QUERY_MISMATCH");
  });

  it("a known ID with its own document as the query runs", async () => {
    const answer = await post(gateway.url, { documentId: sha256(ROOMY), query: ROOMY });
    expect(answer.body).toEqual({ data: { workloadShares: { __typename: "WorkloadShareConnection" } } });
  });

  it("the status is 400 also for clients that accept only application/json", async () => {
    const json = { accept: "application/json" };
    expectRefusal(await counted(() => post(gateway.url, { documentId: UNKNOWN }, json)), "PERSISTED_QUERY_NOT_FOUND");
    expectRefusal(await counted(() => post(gateway.url, { query: ARBITRARY }, json)), "PERSISTED_QUERY_ONLY");
    expectRefusal(await counted(() => post(gateway.url, { documentId: sha256(ROOMY), query: ARBITRARY }, json)), "PERSISTED_QUERY_MISMATCH");
  });

  it("a malformed ID is a 400 BAD_REQUEST", async () => {
    for (const body of [
      { documentId: 42 },
      { documentId: "" },
      { extensions: { persistedQuery: { version: 2, sha256Hash: sha256(ROOMY) } } },
      { extensions: { persistedQuery: { version: 1 } } },
      { documentId: sha256(ROOMY), extensions: persistedQuery(sha256(LIST)) },
      {},
    ]) {
      expectRefusal(await counted(() => post(gateway.url, body)), "BAD_REQUEST");
    }
  });
});

describe("batches (BATCH_LIMIT > 0): each operation is decided before any of them runs", () => {
  let gateway: TestGateway;
  const CREATE_ID = `sha256:${sha256(CREATE)}`;
  beforeAll(async () => {
    gateway = await gatewayWith({ files: [clientPreset({ [CREATE_ID]: CREATE, [sha256(ROOMY)]: ROOMY })], only: true }, { batchLimit: 3 });
  });

  it("a batch of trusted documents runs each of them", async () => {
    const answer = await post(gateway.url, [{ documentId: sha256(ROOMY) }, { extensions: persistedQuery(sha256(ROOMY)) }]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { data: { workloadShares: { __typename: "WorkloadShareConnection" } } },
      { data: { workloadShares: { __typename: "WorkloadShareConnection" } } },
    ]);
  });

  it.each([
    ["an unknown ID", { documentId: sha256("{ x }") }, "PERSISTED_QUERY_NOT_FOUND"],
    ["a query without an ID", { query: ARBITRARY }, "PERSISTED_QUERY_ONLY"],
    ["a mismatched query", { documentId: sha256(ROOMY), query: ARBITRARY }, "PERSISTED_QUERY_MISMATCH"],
  ])("one operation with %s refuses the whole batch with 400, and the trusted one does not run either", async (_, bad, code) => {
    await resetEmulator(emulator.url);
    const trusted = { documentId: CREATE_ID, variables: { input: { workloadId: SEEDED.roomy, sharedWith: "555566667777", permissionType: "READONLY" } } };
    expectRefusal(await counted(() => post(gateway.url, [trusted, bad])), code);
  });

  it("two trusted creates under one Idempotency-Key get distinct derived tokens (two shares, no conflict)", async () => {
    await resetEmulator(emulator.url);
    const create = (sharedWith: string) => ({
      documentId: CREATE_ID,
      variables: { input: { workloadId: SEEDED.roomy, sharedWith, permissionType: "READONLY" } },
    });
    const answer = await post(gateway.url, [create("210987654321"), create("210987654322")], { "idempotency-key": "batch-key-1" });
    expect(answer.status).toBe(200);
    const results = (answer.body as { data: { createWorkloadShare: { __typename: string; clientRequestToken: string } } }[]).map(
      (r) => r.data.createWorkloadShare,
    );
    expect(results.map((r) => r.__typename)).toEqual(["CreateWorkloadShareSuccess", "CreateWorkloadShareSuccess"]);
    // Not the key as is (there are two token-taking fields), and one per batch index.
    expect(results[0]?.clientRequestToken).not.toBe("batch-key-1");
    expect(new Set(results.map((r) => r.clientRequestToken)).size).toBe(2);
  });
});

describe("TRUSTED_DOCUMENTS_ONLY=false: manifest IDs and arbitrary documents both run", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await gatewayWith({ files: [clientPreset({ [sha256(ROOMY)]: ROOMY })], only: false });
  });

  it("an arbitrary document runs", async () => {
    const answer = await post(gateway.url, { query: ARBITRARY });
    expect(answer.body).toEqual({ data: { workloadShares: { __typename: "WorkloadShareConnection" } } });
  });

  it("a manifest ID runs", async () => {
    const answer = await post(gateway.url, { documentId: sha256(ROOMY) });
    expect(answer.body).toEqual({ data: { workloadShares: { __typename: "WorkloadShareConnection" } } });
  });

  it("an unknown ID is still PERSISTED_QUERY_NOT_FOUND (with or without a query) and a mismatch still PERSISTED_QUERY_MISMATCH", async () => {
    expectRefusal(await counted(() => post(gateway.url, { documentId: sha256(ARBITRARY) })), "PERSISTED_QUERY_NOT_FOUND");
    expectRefusal(await counted(() => post(gateway.url, { query: ARBITRARY, extensions: persistedQuery(sha256(ARBITRARY)) })), "PERSISTED_QUERY_NOT_FOUND");
    expectRefusal(await counted(() => post(gateway.url, { query: ARBITRARY, documentId: sha256(ROOMY) })), "PERSISTED_QUERY_MISMATCH");
  });
});

describe("every other rule applies to a trusted document", () => {
  const secret = "a-trusted-documents-test-secret-32b";
  const key = { secret: new TextEncoder().encode(secret), alg: "HS256" as const };
  const CREATE_ID = `sha256:${sha256(CREATE)}`;
  const variables = { input: { workloadId: SEEDED.roomy, sharedWith: "444455556666", permissionType: "READONLY" } };
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await gatewayWith(
      { files: [clientPreset({ [CREATE_ID]: CREATE, [sha256(ROOMY)]: ROOMY })], only: true },
      {
        authMode: "jwt",
        jwt: { jwksUrl: null, secret, issuer: null, audience: null, readScope: "workload-shares:read", writeScope: "workload-shares:write" },
      },
    );
  });

  it("without a bearer token a request by a known ID is 401 and nothing runs", async () => {
    const answer = await counted(() => post(gateway.url, { documentId: CREATE_ID, variables }));
    expect(answer.status).toBe(401);
    expect(answer.upstream).toBe(0);
  });

  it("without a bearer token an unknown ID is 401 too: callers are authenticated before anything else", async () => {
    const answer = await counted(() => post(gateway.url, { documentId: sha256("{ x }") }));
    expect(answer.status).toBe(401);
  });

  it("a caller without the write scope gets the field's AccessDeniedError (INSUFFICIENT_SCOPE) as data", async () => {
    const token = await mintToken(key, { claims: { scope: "workload-shares:read" }, subject: "reader" });
    const answer = await counted(() => post(gateway.url, { documentId: CREATE_ID, variables }, { authorization: `Bearer ${token}` }));
    expect(answer.status).toBe(200);
    expect(answer.body.data.createWorkloadShare).toMatchObject({ __typename: "AccessDeniedError", code: "INSUFFICIENT_SCOPE" });
    expect(answer.upstream).toBe(0);
  });

  it("errors are data: an unknown workload is ResourceNotFoundError, and input validation runs before any upstream call", async () => {
    const token = await mintToken(key, { claims: { scope: "workload-shares:write workload-shares:read" } });
    const auth = { authorization: `Bearer ${token}` };
    const missing = await post(gateway.url, { documentId: CREATE_ID, variables: { input: { ...variables.input, workloadId: SEEDED.unknown } } }, auth);
    expect(missing.body.data.createWorkloadShare.__typename).toBe("ResourceNotFoundError");
    const invalid = await counted(() =>
      post(gateway.url, { documentId: CREATE_ID, variables: { input: { ...variables.input, sharedWith: "x" } } }, auth),
    );
    expect(invalid.body.data.createWorkloadShare.__typename).toBe("ValidationError");
    expect(invalid.upstream).toBe(0);
  });

  it("the document's variables are validated as any request's are", async () => {
    const token = await mintToken(key, { claims: { scope: "workload-shares:write" } });
    const answer = await counted(() => post(gateway.url, { documentId: CREATE_ID, variables: {} }, { authorization: `Bearer ${token}` }));
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/\$input/);
    expect(answer.upstream).toBe(0);
  });
});

describe("the request log line carries documentId (the ID, never the document)", () => {
  const lines: Record<string, unknown>[] = [];
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await gatewayWith(
      { files: [clientPreset({ [`sha256:${sha256(ROOMY)}`]: ROOMY })], only: true },
      { services: { log: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) } },
    );
  });
  const lineOf = async (requestId: string): Promise<Record<string, unknown>> => {
    await expect.poll(() => lines.some((l) => l.requestId === requestId)).toBe(true);
    return lines.find((l) => l.requestId === requestId) ?? {};
  };

  it("logs the ID as the request sent it, with the operation that ran", async () => {
    await post(gateway.url, { documentId: sha256(ROOMY) }, { "x-request-id": "trusted-log-1" });
    const line = await lineOf("trusted-log-1");
    expect(line.documentId).toBe(sha256(ROOMY));
    expect(line.operationName).toBe("RoomyShares");
    expect(JSON.stringify(line)).not.toContain("workloadShares(");
  });

  it("logs the ID of a refused request too, with its code", async () => {
    await post(gateway.url, { extensions: persistedQuery(sha256(ARBITRARY)) }, { "x-request-id": "trusted-log-2" });
    const line = await lineOf("trusted-log-2");
    expect(line).toMatchObject({ documentId: sha256(ARBITRARY), status: 400, errors: ["PERSISTED_QUERY_NOT_FOUND"] });
  });

  it("is null for a request without an ID", async () => {
    await post(gateway.url, { query: ARBITRARY }, { "x-request-id": "trusted-log-3" });
    expect((await lineOf("trusted-log-3")).documentId).toBeNull();
  });
});

describe("TRUSTED_DOCUMENTS_ONLY defaults to true in production when TRUSTED_DOCUMENTS is set, else false", () => {
  const production = { NODE_ENV: "production", UPSTREAM_URL: "http://127.0.0.1:9", HOST: "127.0.0.1" };
  let manifest = "";
  beforeAll(() => {
    manifest = clientPreset({ [sha256(ROOMY)]: ROOMY });
  });

  it("reads the variables", () => {
    expect(readConfig({ ...production, TRUSTED_DOCUMENTS: manifest }).trustedDocuments).toEqual({ files: [manifest], only: true });
    expect(readConfig({ TRUSTED_DOCUMENTS: manifest }).trustedDocuments).toEqual({ files: [manifest], only: false });
    expect(readConfig({ ...production, TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_ONLY: "false" }).trustedDocuments?.only).toBe(false);
    expect(readConfig({ TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_ONLY: "true" }).trustedDocuments?.only).toBe(true);
    expect(readConfig(production).trustedDocuments).toBeNull();
    expect(readConfig({ TRUSTED_DOCUMENTS: ` ${manifest} , ${manifest}` }).trustedDocuments?.files).toEqual([manifest, manifest]);
  });

  it.each([
    [{ TRUSTED_DOCUMENTS_ONLY: "true" }, "TRUSTED_DOCUMENTS_ONLY"],
    [{ TRUSTED_DOCUMENTS_ONLY: "yes", TRUSTED_DOCUMENTS: "<manifest>" }, "TRUSTED_DOCUMENTS_ONLY"],
    [{ TRUSTED_DOCUMENTS: "<manifest>,," }, "TRUSTED_DOCUMENTS"],
  ])("%o is invalid configuration naming %s", (env, variable) => {
    const withPath = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace("<manifest>", manifest)]));
    expect(() => readConfig(withPath)).toThrow(ConfigError);
    expect(() => readConfig(withPath)).toThrow(new RegExp(`^${variable}:`));
  });

  it("the production process refuses an arbitrary document and runs a manifest ID", async () => {
    const gateway = await startGatewayProcess({ NODE_ENV: "production", UPSTREAM_URL: emulator.url, TRUSTED_DOCUMENTS: manifest });
    processes.push(gateway);
    // Start-up lines after the listening one may arrive in a later chunk of the pipe.
    await expect.poll(() => gateway.stdout()).toContain("TRUSTED_DOCUMENTS_ONLY=true");
    expectRefusal(await counted(() => post(gateway.url, { query: ARBITRARY })), "PERSISTED_QUERY_ONLY");
    expect((await post(gateway.url, { documentId: sha256(ROOMY) })).body).toEqual({
      data: { workloadShares: { __typename: "WorkloadShareConnection" } },
    });
    gateway.kill();
  });
});

describe("at startup every document is checked; one bad entry stops startup with one line naming the file and the ID", () => {
  const DEEP = `query Deep { workloadShares(workloadId: "${SEEDED.roomy}") { ... on WorkloadShareConnection { edges { node { workload { shares { ... on WorkloadShareConnection { edges { node { id } } } } } } } } } }`;
  type Case = [string, () => { files: string[]; id: string | null }, RegExp, Record<string, string>?];
  const cases: Case[] = [
    [
      "a key whose hash is not the document's",
      () => ({ files: [clientPreset({ [`sha256:${sha256(LIST)}`]: ROOMY })], id: `sha256:${sha256(LIST)}` }),
      new RegExp(`does not match its ID: the SHA-256 of the document is ${sha256(ROOMY)}`),
    ],
    [
      "an Apollo id whose hash is not the body's",
      () => ({ files: [apolloManifest([{ id: sha256(LIST), body: `${LIST}\n` }])], id: sha256(LIST) }),
      /does not match its ID/,
    ],
    ["a document that does not parse", () => ({ files: [clientPreset({ "broken@1": "query { workloadShares(" })], id: "broken@1" }), /does not parse: Syntax Error/],
    [
      "a document that is not valid against the schema",
      () => ({ files: [apolloManifest([{ id: "unknown-field@1", body: 'query X { workloadShares(workloadId: "x") { nope } }' }])], id: "unknown-field@1" }),
      /is not valid against the schema: .*"nope"/,
    ],
    [
      "a document over MAX_DEPTH",
      () => ({ files: [clientPreset({ [`sha256:${sha256(DEEP)}`]: DEEP })], id: `sha256:${sha256(DEEP)}` }),
      /exceeds a document limit: MAX_DEPTH/,
      { MAX_DEPTH: "5" },
    ],
    [
      "two manifests giving one ID different documents",
      () => {
        const first = clientPreset({ "shares@v1": ROOMY });
        return { files: [first, apolloManifest([{ id: "shares@v1", body: DATA_LAKE }])], id: "shares@v1" };
      },
      /gives a different document than .*1?-?persisted-documents\.json/,
    ],
    ["a missing file", () => ({ files: [join(dir, "no-such-manifest.json")], id: null }), /is not a readable file/],
    [
      "a directory instead of a file",
      () => {
        const path = join(dir, "a-directory.json");
        mkdirSync(path, { recursive: true });
        return { files: [path], id: null };
      },
      /is not a readable file/,
    ],
    ["a file that is not JSON", () => ({ files: [writeFile("manifest.json", "query { a }")], id: null }), /is not JSON/],
    ["JSON in neither format (a list)", () => ({ files: [writeFile("manifest.json", JSON.stringify([{ id: "a", body: ROOMY }]))], id: null }), /is neither/],
    [
      "JSON in neither format (an Apollo-like manifest under another format name)",
      () => ({ files: [writeFile("manifest.json", JSON.stringify({ format: "relay", operations: [] }))], id: null }),
      /is neither/,
    ],
  ];

  // Concurrently: each is a real process start-up, which is slow on shared cores.
  it.concurrent.for(cases)("%s", { timeout: 180_000 }, async ([, make, problem, env = {}], { expect }) => {
    const { files, id } = make();
    const run = await runGatewayProcessToExit({ UPSTREAM_URL: "http://127.0.0.1:9", TRUSTED_DOCUMENTS: files.join(","), ...env }, 150_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? "";
    expect(line).toMatch(/^config: TRUSTED_DOCUMENTS: /);
    expect(files.some((f) => line.includes(f))).toBe(true);
    if (id !== null) expect(line).toContain(`document ${JSON.stringify(id)}`);
    expect(line).toMatch(problem);
    expect(line).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("the same ID with the same document in two manifests (old and new app versions) is fine", async () => {
    const old = clientPreset({ "shares@v1": ROOMY, [`sha256:${sha256(LIST)}`]: LIST });
    const next = apolloManifest([{ id: "shares@v1", body: ROOMY }, { id: sha256(LIST), body: LIST }]);
    const gateway = await gatewayWith({ files: [old, next], only: true });
    expect((await post(gateway.url, { documentId: "shares@v1" })).status).toBe(200);
    expect((await post(gateway.url, { documentId: sha256(LIST), variables: { workloadId: SEEDED.roomy } })).status).toBe(200);
  });

  it("an empty manifest is a valid one with no documents", async () => {
    const gateway = await gatewayWith({ files: [clientPreset({})], only: true });
    expectRefusal(await post(gateway.url, { documentId: sha256(ROOMY) }), "PERSISTED_QUERY_NOT_FOUND");
  });
});

describe("manifests are read again on SIGHUP and on change; an invalid new set is refused and the old one stays", () => {
  afterEach(() => {
    for (const p of processes) p.kill();
  });

  it("a real SIGHUP to the process loads the new set; a bad one after it keeps that set", async () => {
    const manifest = clientPreset({ [sha256(ROOMY)]: ROOMY });
    const gateway = await startGatewayProcess({ UPSTREAM_URL: emulator.url, TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_ONLY: "true" });
    processes.push(gateway);
    expectRefusal(await post(gateway.url, { documentId: sha256(DATA_LAKE) }), "PERSISTED_QUERY_NOT_FOUND");

    // Replaced by rename as config-map mounts and editors do, so the change is atomic.
    const replace = (documents: Record<string, string>): void => {
      const next = `${manifest}.next`;
      writeFileSync(next, JSON.stringify(documents));
      renameSync(next, manifest);
    };
    replace({ [sha256(DATA_LAKE)]: DATA_LAKE });
    gateway.child.kill("SIGHUP");
    await expect.poll(async () => (await post(gateway.url, { documentId: sha256(DATA_LAKE) })).status, { timeout: 10_000 }).toBe(200);
    expectRefusal(await post(gateway.url, { documentId: sha256(ROOMY) }), "PERSISTED_QUERY_NOT_FOUND");

    replace({ [sha256(ROOMY)]: DATA_LAKE });
    gateway.child.kill("SIGHUP");
    await expect.poll(() => gateway.stderr(), { timeout: 10_000 }).toContain("reload refused");
    const refused = jsonLines(gateway.stderr()).find((l) => String(l.msg).includes("reload refused"));
    expect(refused?.problem).toContain(`${manifest}: document ${JSON.stringify(sha256(ROOMY))} does not match its ID`);
    expect((await post(gateway.url, { documentId: sha256(DATA_LAKE) })).status).toBe(200);
    expect(gateway.child.exitCode).toBeNull();
    expect(jsonLines(gateway.stderr()).some((l) => l.msg === "trusted documents: reloaded" && l.trigger === "SIGHUP")).toBe(true);
  });

  it("a changed file is picked up within 2 s without a signal, and an invalid change keeps the old set", async () => {
    const manifest = clientPreset({ [sha256(ROOMY)]: ROOMY });
    const reloads: string[] = [];
    const gateway = await gatewayWith({ files: [manifest], only: true }, { services: { reloadLog: (l) => reloads.push(l) } });
    expectRefusal(await post(gateway.url, { documentId: sha256(DATA_LAKE) }), "PERSISTED_QUERY_NOT_FOUND");

    writeFileSync(manifest, JSON.stringify({ [sha256(ROOMY)]: ROOMY, [sha256(DATA_LAKE)]: DATA_LAKE }));
    const changedAt = Date.now();
    await expect.poll(async () => (await post(gateway.url, { documentId: sha256(DATA_LAKE) })).status, { timeout: 5_000, interval: 50 }).toBe(200);
    // The contract's 2 s, plus slack for two shared CI cores.
    expect(Date.now() - changedAt).toBeLessThan(2_500);

    writeFileSync(manifest, JSON.stringify({ "no-longer@1": "query {" }));
    await expect.poll(() => reloads.join("\n"), { timeout: 5_000 }).toContain("reload refused");
    const refused = jsonLines(reloads.join("\n")).find((l) => String(l.msg).includes("reload refused"));
    expect(refused?.problem).toContain('document "no-longer@1" does not parse');
    expect((await post(gateway.url, { documentId: sha256(DATA_LAKE) })).status).toBe(200);
    expectRefusal(await post(gateway.url, { documentId: "no-longer@1" }), "PERSISTED_QUERY_NOT_FOUND");
  });
});
