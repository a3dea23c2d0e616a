// Contract: "The client token" — input, else Idempotency-Key, else a new UUID v4.
// The emulator records what it received.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { startGateway, gql, type TestGateway } from "./support/gateway.js";
import { CREATE, resetEmulator, SEEDED, startTestEmulator } from "./support/emulator.js";

/** RFC 9562 UUID v5, written here independently of the gateway's implementation. */
function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(Buffer.concat([ns, Buffer.from(name, "utf8")])).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
const NAMESPACE = "5b0d2f8e-6a6c-4c1e-9a57-2f0c3d1e8b47";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let emulator: RunningEmulator;
let gateway: TestGateway;

beforeAll(async () => {
  emulator = await startTestEmulator("envelope");
  gateway = await startGateway(emulator.url);
});
afterAll(async () => {
  await gateway?.close();
  await emulator?.close();
});
beforeEach(() => resetEmulator(emulator.url));

/** The ClientRequestToken of each request the emulator received, in order. */
function sentTokens(): string[] {
  return emulator.requests.map((r) => {
    if (r.method === "DELETE") return new URL(r.url, "http://x").searchParams.get("ClientRequestToken") ?? "";
    return (JSON.parse(r.body) as { ClientRequestToken: string }).ClientRequestToken;
  });
}

const input = (extra: Record<string, unknown> = {}) => ({
  workloadId: SEEDED.roomy,
  sharedWith: "123456789012",
  permissionType: "READONLY",
  ...extra,
});

describe("1. input.clientRequestToken when given", () => {
  it("sends and returns the input token, even when an Idempotency-Key is present", async () => {
    const { body } = await gql(gateway.url, CREATE, { input: input({ clientRequestToken: "from-input" }) }, { "idempotency-key": "from-header" });
    expect(body.data.createWorkloadShare.clientRequestToken).toBe("from-input");
    expect(sentTokens()).toEqual(["from-input"]);
  });
});

describe("2. else the Idempotency-Key header", () => {
  it("is used as is when the request holds one token-taking field", async () => {
    const { body } = await gql(gateway.url, CREATE, { input: input() }, { "idempotency-key": "key-123" });
    expect(body.data.createWorkloadShare.clientRequestToken).toBe("key-123");
    expect(sentTokens()).toEqual(["key-123"]);
  });

  it("derives a distinct UUID v5 per field from key, batch index and response path", async () => {
    const doc = `mutation($a: CreateWorkloadShareInput!, $b: CreateWorkloadShareInput!) {
      first: createWorkloadShare(input: $a) { ... on CreateWorkloadShareSuccess { clientRequestToken } }
      second: createWorkloadShare(input: $b) { ... on CreateWorkloadShareSuccess { clientRequestToken } }
    }`;
    const { body } = await gql(
      gateway.url,
      doc,
      { a: input(), b: input({ sharedWith: "210987654321" }) },
      { "idempotency-key": "k" },
    );
    const first = uuidV5("k\n0\nfirst", NAMESPACE);
    const second = uuidV5("k\n0\nsecond", NAMESPACE);
    expect(body.data.first.clientRequestToken).toBe(first);
    expect(body.data.second.clientRequestToken).toBe(second);
    expect(sentTokens().sort()).toEqual([first, second].sort());
  });

  it("counts token-taking fields across create and delete, including those in fragments", async () => {
    const doc = `mutation($a: CreateWorkloadShareInput!, $d: DeleteWorkloadShareInput!) {
      ...Both
    }
    fragment Both on Mutation {
      createWorkloadShare(input: $a) { ... on CreateWorkloadShareSuccess { clientRequestToken } }
      gone: deleteWorkloadShare(input: $d) { __typename ... on DeleteWorkloadShareSuccess { clientRequestToken } }
    }`;
    const { body } = await gql(
      gateway.url,
      doc,
      { a: input(), d: { workloadId: SEEDED.dataLake, shareId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b" } },
      { "idempotency-key": "K-2" },
    );
    expect(body.data.createWorkloadShare.clientRequestToken).toBe(uuidV5("K-2\n0\ncreateWorkloadShare", NAMESPACE));
    expect(body.data.gone.clientRequestToken).toBe(uuidV5("K-2\n0\ngone", NAMESPACE));
  });

  it("gives the same derived tokens on a repeated request, so the retry replays", async () => {
    const doc = `mutation($a: CreateWorkloadShareInput!, $b: CreateWorkloadShareInput!) {
      x: createWorkloadShare(input: $a) { ... on CreateWorkloadShareSuccess { share { id } } }
      y: createWorkloadShare(input: $b) { ... on CreateWorkloadShareSuccess { share { id } } }
    }`;
    const vars = { a: input(), b: input({ sharedWith: "210987654321" }) };
    const one = await gql(gateway.url, doc, vars, { "idempotency-key": "again" });
    const two = await gql(gateway.url, doc, vars, { "idempotency-key": "again" });
    expect(two.body.data).toEqual(one.body.data);
    expect(emulator.store.workloads.get(SEEDED.roomy)?.shares).toHaveLength(2);
  });

  it.each([
    ["256 characters", "k".repeat(256)],
    ["a tab inside", "a\tb"],
    ["non-ASCII", "clé"],
  ])("answers ValidationError at [headers, idempotency-key] for %s, without calling upstream", async (_label, key) => {
    const { body } = await gql(gateway.url, CREATE, { input: input() }, { "idempotency-key": key });
    expect(body.data.createWorkloadShare.__typename).toBe("ValidationError");
    expect(body.data.createWorkloadShare.fields).toEqual([{ path: ["headers", "idempotency-key"], message: expect.any(String) }]);
    expect(emulator.requests).toHaveLength(0);
  });

  it("accepts 255 printable ASCII characters", async () => {
    const key = "~".repeat(255);
    const { body } = await gql(gateway.url, CREATE, { input: input() }, { "idempotency-key": key });
    expect(body.data.createWorkloadShare.clientRequestToken).toBe(key);
  });
});

describe("3. else a new random UUID v4", () => {
  it("creates a fresh v4 token per request and returns it", async () => {
    const one = await gql(gateway.url, CREATE, { input: input() });
    const two = await gql(gateway.url, CREATE, { input: input({ sharedWith: "210987654321" }) });
    const a = one.body.data.createWorkloadShare.clientRequestToken;
    const b = two.body.data.createWorkloadShare.clientRequestToken;
    expect(a).toMatch(UUID_V4);
    expect(b).toMatch(UUID_V4);
    expect(a).not.toBe(b);
    expect(sentTokens()).toEqual([a, b]);
  });
});

describe("deleteWorkloadShare sends the token as the ClientRequestToken query parameter", () => {
  const DELETE = `mutation($input: DeleteWorkloadShareInput!) { deleteWorkloadShare(input: $input) {
    __typename ... on DeleteWorkloadShareSuccess { deletedShareId clientRequestToken } ... on Error { code } } }`;

  it("uses the Idempotency-Key and replays the same success on a repeat", async () => {
    const vars = { input: { workloadId: SEEDED.dataLake, shareId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b" } };
    const one = await gql(gateway.url, DELETE, vars, { "idempotency-key": "del key/1" });
    const two = await gql(gateway.url, DELETE, vars, { "idempotency-key": "del key/1" });
    expect(one.body.data.deleteWorkloadShare).toEqual({
      __typename: "DeleteWorkloadShareSuccess",
      deletedShareId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b",
      clientRequestToken: "del key/1",
    });
    expect(two.body.data).toEqual(one.body.data);
    expect(emulator.requests[0]?.url).toBe(
      `/workloads/${SEEDED.dataLake}/shares/5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b?ClientRequestToken=del%20key%2F1`,
    );
  });
});

describe("batched requests (BATCH_LIMIT > 0) count token-taking fields across the batch", () => {
  let batching: TestGateway;
  beforeAll(async () => {
    batching = await startGateway(emulator.url, { batchLimit: 5 });
  });
  afterAll(() => batching?.close());

  it("derives each operation's token from its batch index", async () => {
    const op = `mutation($input: CreateWorkloadShareInput!) {
      createWorkloadShare(input: $input) { ... on CreateWorkloadShareSuccess { clientRequestToken } } }`;
    const response = await fetch(batching.url, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "batch-key" },
      body: JSON.stringify([
        { query: op, variables: { input: input() } },
        { query: op, variables: { input: input({ sharedWith: "210987654321" }) } },
      ]),
    });
    const results = (await response.json()) as { data: { createWorkloadShare: { clientRequestToken: string } } }[];
    expect(results.map((r) => r.data.createWorkloadShare.clientRequestToken)).toEqual([
      uuidV5("batch-key\n0\ncreateWorkloadShare", NAMESPACE),
      uuidV5("batch-key\n1\ncreateWorkloadShare", NAMESPACE),
    ]);
  });

  it("uses the key as is when the whole batch holds one token-taking field", async () => {
    const response = await fetch(batching.url, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "solo-key" },
      body: JSON.stringify([
        { query: `query { workloadShares(workloadId: "${SEEDED.dataLake}") { __typename } }` },
        {
          query: `mutation($input: CreateWorkloadShareInput!) { createWorkloadShare(input: $input) { ... on CreateWorkloadShareSuccess { clientRequestToken } } }`,
          variables: { input: input() },
        },
      ]),
    });
    const results = (await response.json()) as [unknown, { data: { createWorkloadShare: { clientRequestToken: string } } }];
    expect(results[1].data.createWorkloadShare.clientRequestToken).toBe("solo-key");
  });
});
