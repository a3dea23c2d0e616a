// Contract: "Input validation before any upstream call". Boundaries are
// literals (31/32/33, 11/12/2048/2049, 0/1/50/51), never the constants under test.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGateway, gql, type TestGateway } from "./support/gateway.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";
import { CREATE } from "./support/emulator.js";

const HEX32 = "0123456789abcdef0123456789abcdef";
const CREATED = '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}';

const UPDATE = `mutation($input: UpdateWorkloadShareInput!) { updateWorkloadShare(input: $input) {
  __typename ... on ValidationError { code retryable fields { path message } } } }`;
const DELETE = `mutation($input: DeleteWorkloadShareInput!) { deleteWorkloadShare(input: $input) {
  __typename ... on ValidationError { code retryable fields { path message } } } }`;
const LIST = `query($id: ID!, $first: Int, $prefix: String, $after: String) {
  workloadShares(workloadId: $id, first: $first, sharedWithPrefix: $prefix, after: $after) {
    __typename ... on ValidationError { code fields { path message } } } }`;

let upstream: ScriptedUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  gateway = await startGateway(upstream.url, { maxAttempts: 1 });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.script({ status: 200, body: CREATED }));

function createInput(overrides: Record<string, unknown>) {
  return { workloadId: HEX32, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "t", ...overrides };
}

async function create(overrides: Record<string, unknown>, headers: Record<string, string> = {}) {
  const { body } = await gql(gateway.url, CREATE, { input: createInput(overrides) }, headers);
  return body.data.createWorkloadShare;
}

describe("workloadId is 32 lowercase hex characters", () => {
  it.each([
    ["31 characters", "0123456789abcdef0123456789abcde"],
    ["33 characters", "0123456789abcdef0123456789abcdef0"],
    ["upper case", "0123456789ABCDEF0123456789ABCDEF"],
    ["a path escape", "../../../../../../../../admin/x"],
    ["an encoded dot", "%2e%2e%2f0123456789abcdef01234567"],
    ["a query", "0123456789abcdef0123456789abcde?"],
    ["a fragment", "0123456789abcdef0123456789abcde#"],
    ["CR/LF", "0123456789abcdef0123456789abc\r\nX"],
    ["empty", ""],
  ])("rejects %s without calling upstream", async (_label, workloadId) => {
    const result = await create({ workloadId });
    expect(result.__typename).toBe("ValidationError");
    expect(result.code).toBe("VALIDATION_ERROR");
    expect(result.retryable).toBe(false);
    expect(result.fields).toEqual([{ path: ["input", "workloadId"], message: expect.any(String) }]);
    expect(upstream.received).toHaveLength(0);
  });

  it("accepts exactly 32 lowercase hex characters", async () => {
    expect((await create({ workloadId: "0123456789abcdef0123456789abcdef" })).__typename).toBe("CreateWorkloadShareSuccess");
    expect(upstream.received).toHaveLength(1);
    expect(upstream.received[0]?.url).toBe("/workloads/0123456789abcdef0123456789abcdef/shares");
  });
});

describe("sharedWith is 12 to 2048 code points", () => {
  it.each([
    ["11", "a".repeat(11)],
    ["2049", "a".repeat(2049)],
  ])("rejects %s characters", async (_n, sharedWith) => {
    const result = await create({ sharedWith });
    expect(result.__typename).toBe("ValidationError");
    expect(result.fields).toEqual([{ path: ["input", "sharedWith"], message: expect.any(String) }]);
    expect(upstream.received).toHaveLength(0);
  });

  it.each([
    ["12", "a".repeat(12)],
    ["2048", "a".repeat(2048)],
    ["12 astral code points (24 UTF-16 units)", "😀".repeat(12)],
  ])("accepts %s characters", async (_n, sharedWith) => {
    expect((await create({ sharedWith })).__typename).toBe("CreateWorkloadShareSuccess");
    expect(JSON.parse(upstream.received[0]?.body ?? "{}").SharedWith).toBe(sharedWith);
  });

  it("counts code points, so 11 astral characters are too short", async () => {
    expect((await create({ sharedWith: "😀".repeat(11) })).__typename).toBe("ValidationError");
  });
});

describe("clientRequestToken is 1 to 2048 characters", () => {
  it("rejects an empty string rather than treating it as absent", async () => {
    const result = await create({ clientRequestToken: "" });
    expect(result.fields).toEqual([{ path: ["input", "clientRequestToken"], message: expect.any(String) }]);
    expect(upstream.received).toHaveLength(0);
  });

  it("rejects 2049 characters", async () => {
    expect((await create({ clientRequestToken: "x".repeat(2049) })).__typename).toBe("ValidationError");
  });

  it.each([["1", "x"], ["2048", "x".repeat(2048)]])("accepts %s characters", async (_n, token) => {
    expect((await create({ clientRequestToken: token })).clientRequestToken).toBe(token);
  });
});

describe("one FieldError per bad field", () => {
  it("reports every bad field of one input together", async () => {
    const result = await create({ workloadId: "nope", sharedWith: "short", clientRequestToken: "" });
    expect(result.fields.map((f: { path: string[] }) => f.path)).toEqual([
      ["input", "workloadId"],
      ["input", "sharedWith"],
      ["input", "clientRequestToken"],
    ]);
    expect(upstream.received).toHaveLength(0);
  });

  it("leaves unknown enum values to GraphQL validation (a top-level error, no upstream call)", async () => {
    const { status, body } = await gql(gateway.url, CREATE, { input: createInput({ permissionType: "OWNER" }) });
    expect(status).toBe(400);
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(upstream.received).toHaveLength(0);
  });
});

describe("shareId is 1 to 128 characters of A-Z a-z 0-9 _ -", () => {
  it.each([
    ["a slash", "abc/def"],
    ["a dot-dot", ".."],
    ["encoded", "%2e%2e"],
    ["a query", "abc?x=1"],
    ["a space", "abc def"],
    ["129 characters", "a".repeat(129)],
    ["empty", ""],
  ])("rejects %s on update and delete", async (_label, shareId) => {
    const update = await gql(gateway.url, UPDATE, { input: { workloadId: HEX32, shareId, permissionType: "READONLY" } });
    expect(update.body.data.updateWorkloadShare.fields).toEqual([{ path: ["input", "shareId"], message: expect.any(String) }]);
    const del = await gql(gateway.url, DELETE, { input: { workloadId: HEX32, shareId } });
    expect(del.body.data.deleteWorkloadShare.fields).toEqual([{ path: ["input", "shareId"], message: expect.any(String) }]);
    expect(upstream.received).toHaveLength(0);
  });

  it.each([["abc123"], ["a".repeat(128)], ["A-b_9"]])("passes %s through to the path", async (shareId) => {
    upstream.script({ status: 200, body: "" });
    const del = await gql(gateway.url, DELETE, { input: { workloadId: HEX32, shareId, clientRequestToken: "d" } });
    expect(del.body.data.deleteWorkloadShare.__typename).toBe("DeleteWorkloadShareSuccess");
    expect(upstream.received[0]?.url).toBe(`/workloads/${HEX32}/shares/${shareId}?ClientRequestToken=d`);
  });
});

describe("workloadShares arguments", () => {
  it.each([[0], [51], [-1]])("rejects first = %i at path [first]", async (first) => {
    const { body } = await gql(gateway.url, LIST, { id: HEX32, first });
    expect(body.data.workloadShares.fields).toEqual([{ path: ["first"], message: expect.any(String) }]);
    expect(upstream.received).toHaveLength(0);
  });

  it.each([[1], [50]])("accepts first = %i as MaxResults", async (first) => {
    upstream.script({ status: 200, body: '{"success": true, "data": {"items": [], "next_token": null}}' });
    const { body } = await gql(gateway.url, LIST, { id: HEX32, first });
    expect(body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
    expect(upstream.received[0]?.url).toBe(`/workloads/${HEX32}/shares?MaxResults=${first}`);
  });

  it("rejects a sharedWithPrefix of 101 characters and accepts 0 and 100", async () => {
    const bad = await gql(gateway.url, LIST, { id: HEX32, prefix: "p".repeat(101) });
    expect(bad.body.data.workloadShares.fields).toEqual([{ path: ["sharedWithPrefix"], message: expect.any(String) }]);
    expect(upstream.received).toHaveLength(0);
    upstream.script({ status: 200, body: '{"success": true, "data": {"items": [], "next_token": null}}' });
    for (const prefix of ["", "p".repeat(100)]) {
      const ok = await gql(gateway.url, LIST, { id: HEX32, prefix });
      expect(ok.body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
    }
  });

  it("rejects a bad workloadId at path [workloadId]", async () => {
    const { body } = await gql(gateway.url, LIST, { id: "ABC" });
    expect(body.data.workloadShares.fields).toEqual([{ path: ["workloadId"], message: expect.any(String) }]);
  });

  it("percent-encodes the cursor so it cannot add query parameters", async () => {
    upstream.script({ status: 200, body: '{"success": true, "data": {"items": [], "next_token": null}}' });
    await gql(gateway.url, LIST, { id: HEX32, after: "x&MaxResults=1#frag\r\n" });
    expect(upstream.received[0]?.url).toBe(`/workloads/${HEX32}/shares?MaxResults=50&NextToken=x%26MaxResults%3D1%23frag%0D%0A`);
  });
});
