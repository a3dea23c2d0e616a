// The two wire formats, end to end: what the gateway sends upstream (read from
// the scripted server's record), how it decodes literal success bodies of all
// four operations, and how it answers bodies it cannot read. Real GraphQL over
// HTTP to the real gateway; the upstream answers literal bytes.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE } from "./support/emulator.js";
import { gql, startGateway, type GraphQLResponse, type TestGateway } from "./support/gateway.js";
import { startScriptedUpstream, type ScriptedAnswer, type ScriptedUpstream } from "./support/scripted-upstream.js";
import { DELETE, LIST, UPDATE } from "./support/share-documents.js";

const WORKLOAD = "0123456789abcdef0123456789abcdef";
const TOKEN = "tok-wire-decoding-0001";
const SHARED_WITH = "123456789012";

let upstream: ScriptedUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  gateway = await startGateway(upstream.url, { maxAttempts: 1, timeoutMs: 5000 });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

type Operation = "create" | "list" | "update" | "delete";

const FIELDS: Record<Operation, string> = {
  create: "createWorkloadShare",
  list: "workloadShares",
  update: "updateWorkloadShare",
  delete: "deleteWorkloadShare",
};

const QUERIES: Record<Operation, string> = { create: CREATE, list: LIST, update: UPDATE, delete: DELETE };

const DEFAULT_VARIABLES: Record<Operation, Record<string, unknown>> = {
  create: {
    input: { workloadId: WORKLOAD, sharedWith: SHARED_WITH, permissionType: "READONLY", clientRequestToken: TOKEN },
  },
  list: { workloadId: WORKLOAD },
  update: { input: { workloadId: WORKLOAD, shareId: "abc123", permissionType: "CONTRIBUTOR" } },
  delete: { input: { workloadId: WORKLOAD, shareId: "abc123", clientRequestToken: TOKEN } },
};

interface Outcome {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL results are read as arbitrary JSON
  result: any;
  response: GraphQLResponse;
}

/** Scripts one answer, runs one operation, and checks the result is data, not a top-level error. */
async function run(operation: Operation, answer: ScriptedAnswer, variables = DEFAULT_VARIABLES[operation]): Promise<Outcome> {
  upstream.script(answer);
  const response = await gql(gateway.url, QUERIES[operation], variables);
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
  expect(upstream.received).toHaveLength(1);
  return { result: response.body.data[FIELDS[operation]], response };
}

function expectBadResponse(outcome: Outcome, httpStatus: number, leakMarkers: string[] = []): void {
  expect(outcome.result).toMatchObject({
    __typename: "UpstreamError",
    code: "UPSTREAM_BAD_RESPONSE",
    httpStatus,
    retryable: false,
  });
  expect(outcome.result.message.length).toBeGreaterThan(0);
  const whole = JSON.stringify(outcome.response.body);
  for (const marker of leakMarkers) expect(whole).not.toContain(marker);
}

describe("unreadable answers become UpstreamError UPSTREAM_BAD_RESPONSE, never a top-level error or a leaked body", () => {
  it("200 with an HTML page", async () => {
    const outcome = await run("create", {
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<!DOCTYPE html><html><head><title>Login</title></head><body>LEAKMARKER-html-7f3a9 internal proxy page</body></html>",
    });
    expectBadResponse(outcome, 200, ["LEAKMARKER-html-7f3a9", "<html", "proxy page"]);
  });

  it("200 with truncated JSON", async () => {
    const outcome = await run("create", {
      status: 200,
      body: '{"success": true, "data": {"id": "LEAKMARKER-trunc-55e1", "created_at": "2025-01-01T0',
    });
    expectBadResponse(outcome, 200, ["LEAKMARKER-trunc-55e1"]);
  });

  it("200 with an empty body on createWorkloadShare", async () => {
    expectBadResponse(await run("create", { status: 200, body: "" }), 200);
  });

  it('200 {"success":true,"data":{"id":5}} (an ID of the wrong type)', async () => {
    expectBadResponse(await run("create", { status: 200, body: '{"success":true,"data":{"id":5}}' }), 200);
  });

  it("200 AWS body without ShareId", async () => {
    const outcome = await run("create", {
      status: 200,
      body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","Note":"LEAKMARKER-aws-0c77"}',
    });
    expectBadResponse(outcome, 200, ["LEAKMARKER-aws-0c77"]);
  });

  it('200 envelope success with data missing: {"success":true}', async () => {
    expectBadResponse(await run("create", { status: 200, body: '{"success":true}' }), 200);
  });

  it('200 envelope success with data null on createWorkloadShare: {"success":true,"data":null}', async () => {
    expectBadResponse(await run("create", { status: 200, body: '{"success":true,"data":null}' }), 200);
  });

  it("200 with a JSON array", async () => {
    expectBadResponse(await run("create", { status: 200, body: '[{"id":"abc123"}]' }), 200);
  });

  it("200 with a bare JSON string", async () => {
    expectBadResponse(await run("create", { status: 200, body: '"abc123"' }), 200);
  });

  it("workloadShares: an item without an ID", async () => {
    const outcome = await run("list", {
      status: 200,
      body: '{"success": true, "data": {"items": [{"shared_with": "123456789012", "permission_type": "READONLY", "status": "PENDING"}], "next_token": null}}',
    });
    expectBadResponse(outcome, 200);
  });

  it("workloadShares: items that are not a list", async () => {
    expectBadResponse(
      await run("list", { status: 200, body: '{"success": true, "data": {"items": "LEAKMARKER-items-9a", "next_token": null}}' }),
      200,
      ["LEAKMARKER-items-9a"],
    );
  });

  it("workloadShares: AWS summary without ShareId", async () => {
    const outcome = await run("list", {
      status: 200,
      body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","WorkloadShareSummaries":[{"SharedWith":"123456789012","PermissionType":"READONLY","Status":"ACCEPTED"}]}',
    });
    expectBadResponse(outcome, 200);
  });

  it("workloadShares: a NextToken of the wrong type", async () => {
    expectBadResponse(
      await run("list", { status: 200, body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","WorkloadShareSummaries":[],"NextToken":42}' }),
      200,
    );
  });

  it("updateWorkloadShare: AWS body without WorkloadShare", async () => {
    expectBadResponse(await run("update", { status: 200, body: '{"WorkloadId":"0123456789abcdef0123456789abcdef"}' }), 200);
  });

  it("updateWorkloadShare: envelope share with an unknown permission type", async () => {
    expectBadResponse(
      await run("update", {
        status: 200,
        body: '{"success": true, "data": {"id": "abc123", "shared_with": "123456789012", "permission_type": "ADMIN", "status": "ACCEPTED"}}',
      }),
      200,
    );
  });

  it("deleteWorkloadShare: 200 with an HTML page", async () => {
    const outcome = await run("delete", { status: 200, body: "<html><body>LEAKMARKER-del-31</body></html>" });
    expectBadResponse(outcome, 200, ["LEAKMARKER-del-31"]);
  });

  it("a 502 HTML page from a proxy: UpstreamError, retryable as its status, and the page does not leak", async () => {
    const { result, response } = await run("create", {
      status: 502,
      headers: { "content-type": "text/html" },
      body: "<html><body><h1>502 Bad Gateway</h1>LEAKMARKER-proxy-d00d</body></html>",
    });
    expect(result).toMatchObject({ __typename: "UpstreamError", httpStatus: 502, retryable: true, errorToken: TOKEN });
    expect(JSON.stringify(response.body)).not.toContain("LEAKMARKER-proxy-d00d");
    expect(JSON.stringify(response.body)).not.toContain("Bad Gateway</h1>");
  });
  it("a 404 HTML page (e.g. a wrong base URL): an error result as data, and the page does not leak", async () => {
    const { result, response } = await run("create", {
      status: 404,
      headers: { "content-type": "text/html" },
      body: "<html><body><h1>Not Found</h1>LEAKMARKER-404-beef</body></html>",
    });
    expect(result.__typename).toMatch(/Error$/);
    expect(result.retryable).toBe(false);
    expect(JSON.stringify(response.body)).not.toContain("LEAKMARKER-404-beef");
  });

  it("an error body whose only text is in unknown members: the gateway's own message, nothing of the body", async () => {
    const { result, response } = await run("create", {
      status: 500,
      body: '{"Reason":"LEAKMARKER-reason-a1","Detail":{"stack":"LEAKMARKER-stack-a2"}}',
    });
    expect(result).toMatchObject({ __typename: "UpstreamError", code: "UPSTREAM_HTTP_500", httpStatus: 500, retryable: true });
    expect(result.message.length).toBeGreaterThan(0);
    const whole = JSON.stringify(response.body);
    expect(whole).not.toContain("LEAKMARKER-reason-a1");
    expect(whole).not.toContain("LEAKMARKER-stack-a2");
  });
});

/** A literal AWS create answer padded with spaces (insignificant JSON whitespace) to exactly `size` bytes. */
function awsCreateBodyOfSize(size: number): string {
  const body = '{"WorkloadId":"0123456789abcdef0123456789abcdef","ShareId":"5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a"}';
  return body.slice(0, -1) + " ".repeat(size - body.length) + "}";
}

describe("an error status with a body in neither format is UPSTREAM_BAD_RESPONSE, retryable as its status", () => {
  it("a 404 HTML page (e.g. a wrong UPSTREAM_URL) is not reported as a missing workload", async () => {
    const outcome = await run("create", { status: 404, headers: { "content-type": "text/html" }, body: "<html>nginx 404 MARKER-404</html>" });
    expect(outcome.result).toMatchObject({ __typename: "UpstreamError", code: "UPSTREAM_BAD_RESPONSE", httpStatus: 404, retryable: false });
    expect(JSON.stringify(outcome.response.body)).not.toContain("MARKER-404");
  });

  it("a 502 HTML page is retryable", async () => {
    const outcome = await run("create", { status: 502, headers: { "content-type": "text/html" }, body: "<html>bad gateway</html>" });
    expect(outcome.result).toMatchObject({ __typename: "UpstreamError", code: "UPSTREAM_BAD_RESPONSE", httpStatus: 502, retryable: true });
  });

  it("a 409 with truncated JSON is unreadable, not a conflict", async () => {
    const outcome = await run("create", { status: 409, body: '{"success": false, "error": {"code": "CONF' });
    expect(outcome.result).toMatchObject({ __typename: "UpstreamError", code: "UPSTREAM_BAD_RESPONSE", httpStatus: 409 });
  });

  it("a bare 429 with no body still decides by its status", async () => {
    const outcome = await run("create", { status: 429, body: "" });
    expect(outcome.result).toMatchObject({ __typename: "ThrottlingError", code: "THROTTLING", retryable: true });
  });

  it("an X-Amzn-ErrorType header decides even over an HTML body", async () => {
    const outcome = await run("create", { status: 409, headers: { "x-amzn-errortype": "ConflictException" }, body: "<html></html>" });
    expect(outcome.result).toMatchObject({ __typename: "ConflictError", code: "ConflictException" });
  });
});

describe("a body over 1 MiB becomes UpstreamError UPSTREAM_RESPONSE_TOO_LARGE", () => {
  it("exactly 1 MiB (1048576 bytes) is read", async () => {
    const body = awsCreateBodyOfSize(1048576);
    expect(Buffer.byteLength(body)).toBe(1048576);
    const { result } = await run("create", { status: 200, body });
    expect(result).toMatchObject({
      __typename: "CreateWorkloadShareSuccess",
      share: { id: "5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a" },
    });
  });

  it("1048577 bytes with a Content-Length → UPSTREAM_RESPONSE_TOO_LARGE", async () => {
    const body = awsCreateBodyOfSize(1048577);
    const { result } = await run("create", { status: 200, body });
    expect(result).toMatchObject({
      __typename: "UpstreamError",
      code: "UPSTREAM_RESPONSE_TOO_LARGE",
      httpStatus: 200,
      retryable: false,
    });
  });

  it("a 503 over 1 MiB → UPSTREAM_RESPONSE_TOO_LARGE, retryable as its status", async () => {
    const { result } = await run("create", { status: 503, body: "<html>" + "x".repeat(1048576) + "</html>" });
    expect(result).toMatchObject({
      __typename: "UpstreamError",
      code: "UPSTREAM_RESPONSE_TOO_LARGE",
      httpStatus: 503,
      retryable: true,
      errorToken: TOKEN,
    });
  });

  describe("without a Content-Length (chunked)", () => {
    let chunked: Server;
    let chunkedGateway: TestGateway;
    beforeAll(async () => {
      chunked = createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"WorkloadId":"0123456789abcdef0123456789abcdef","ShareId":"5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a","Pad":"');
          const chunk = "x".repeat(64 * 1024);
          // 2 MiB of padding in 64 KiB chunks; the gateway may hang up early.
          for (let i = 0; i < 32 && !res.destroyed; i++) res.write(chunk);
          res.end('"}');
        });
      });
      await new Promise<void>((resolve) => chunked.listen(0, "127.0.0.1", resolve));
      const { port } = chunked.address() as AddressInfo;
      chunkedGateway = await startGateway(`http://127.0.0.1:${port}`, { maxAttempts: 1, timeoutMs: 5000 });
    });
    afterAll(async () => {
      await chunkedGateway?.close();
      await new Promise<void>((resolve) => {
        chunked?.closeAllConnections();
        chunked?.close(() => resolve());
      });
    });

    it("2 MiB streamed → UPSTREAM_RESPONSE_TOO_LARGE", async () => {
      const response = await gql(chunkedGateway.url, CREATE, DEFAULT_VARIABLES.create);
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data.createWorkloadShare).toMatchObject({
        __typename: "UpstreamError",
        code: "UPSTREAM_RESPONSE_TOO_LARGE",
        httpStatus: 200,
      });
    });
  });
});

describe("createWorkloadShare success, both wires (contract's literal bodies)", () => {
  it('envelope {"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}', async () => {
    const { result } = await run("create", {
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}',
    });
    expect(result).toEqual({
      __typename: "CreateWorkloadShareSuccess",
      clientRequestToken: TOKEN,
      share: {
        id: "abc123",
        workloadId: WORKLOAD,
        sharedWith: SHARED_WITH,
        permissionType: "READONLY",
        createdAt: "2025-01-01T00:00:00.000Z",
        status: null,
        workload: { id: WORKLOAD },
      },
    });
  });

  it("envelope created_at in epoch seconds → the same instant", async () => {
    const { result } = await run("create", {
      status: 200,
      body: '{"success": true, "data": {"id": "abc123", "created_at": 1735689600}}',
    });
    expect(result.share.createdAt).toBe("2025-01-01T00:00:00.000Z");
  });

  it("envelope created_at unreadable → createdAt null, still a success", async () => {
    const { result } = await run("create", {
      status: 200,
      body: '{"success": true, "data": {"id": "abc123", "created_at": "yesterday"}}',
    });
    expect(result.__typename).toBe("CreateWorkloadShareSuccess");
    expect(result.share.createdAt).toBeNull();
  });

  it('AWS {"WorkloadId": "...", "ShareId": "..."}', async () => {
    const { result } = await run("create", {
      status: 200,
      headers: { "content-type": "application/json", "x-amzn-RequestId": "aws-req-1" },
      body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","ShareId":"5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a"}',
    });
    expect(result).toEqual({
      __typename: "CreateWorkloadShareSuccess",
      clientRequestToken: TOKEN,
      share: {
        id: "5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a",
        workloadId: WORKLOAD,
        sharedWith: SHARED_WITH,
        permissionType: "READONLY",
        createdAt: null,
        status: null,
        workload: { id: WORKLOAD },
      },
    });
  });
});

describe("workloadShares success, both wires: page-wise paging over NextToken", () => {
  it("envelope, a page with a next_token: cursors = endCursor = next_token, hasNextPage", async () => {
    const { result } = await run("list", {
      status: 200,
      body: '{"success": true, "data": {"items": [{"id": "abc123", "shared_with": "123456789012", "permission_type": "READONLY", "status": "PENDING", "created_at": "2025-01-01T00:00:00Z"}, {"id": "def456", "shared_with": "o-abcdefghij", "permission_type": "CONTRIBUTOR", "status": "SOMETHING_NEW", "created_at": 1735689600}], "next_token": "page-2/+="}}',
    });
    expect(result).toEqual({
      __typename: "WorkloadShareConnection",
      edges: [
        {
          cursor: "page-2/+=",
          node: {
            id: "abc123",
            workloadId: WORKLOAD,
            sharedWith: "123456789012",
            permissionType: "READONLY",
            createdAt: "2025-01-01T00:00:00.000Z",
            status: "PENDING",
            workload: { id: WORKLOAD },
          },
        },
        {
          cursor: "page-2/+=",
          node: {
            id: "def456",
            workloadId: WORKLOAD,
            sharedWith: "o-abcdefghij",
            permissionType: "CONTRIBUTOR",
            createdAt: "2025-01-01T00:00:00.000Z",
            status: null,
            workload: { id: WORKLOAD },
          },
        },
      ],
      pageInfo: { hasNextPage: true, endCursor: "page-2/+=" },
    });
  });

  it('envelope, the last page (next_token null): cursor "", endCursor null, no next page', async () => {
    const { result } = await run("list", {
      status: 200,
      body: '{"success": true, "data": {"items": [{"id": "abc123", "shared_with": "123456789012", "permission_type": "READONLY", "status": "ACCEPTED"}], "next_token": null}}',
    });
    expect(result.edges).toEqual([
      {
        cursor: "",
        node: expect.objectContaining({ id: "abc123", status: "ACCEPTED", createdAt: null }),
      },
    ]);
    expect(result.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });

  it("envelope, next_token absent and no items: an empty last page", async () => {
    const { result } = await run("list", { status: 200, body: '{"success": true, "data": {"items": []}}' });
    expect(result).toEqual({
      __typename: "WorkloadShareConnection",
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it("AWS WorkloadShareSummaries with NextToken", async () => {
    const { result } = await run("list", {
      status: 200,
      body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","WorkloadShareSummaries":[{"ShareId":"5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a","SharedWith":"123456789012","PermissionType":"CONTRIBUTOR","Status":"ASSOCIATED","StatusMessage":"Shared"},{"ShareId":"6a3de1c4d1e75d5fac1b4a1f5e3d2c1b","SharedWith":"ou-ab12-cdefgh34","PermissionType":"READONLY","Status":"NOT_A_STATUS"}],"NextToken":"AAEAAQ=="}',
    });
    expect(result).toEqual({
      __typename: "WorkloadShareConnection",
      edges: [
        {
          cursor: "AAEAAQ==",
          node: {
            id: "5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a",
            workloadId: WORKLOAD,
            sharedWith: "123456789012",
            permissionType: "CONTRIBUTOR",
            createdAt: null,
            status: "ASSOCIATED",
            workload: { id: WORKLOAD },
          },
        },
        {
          cursor: "AAEAAQ==",
          node: {
            id: "6a3de1c4d1e75d5fac1b4a1f5e3d2c1b",
            workloadId: WORKLOAD,
            sharedWith: "ou-ab12-cdefgh34",
            permissionType: "READONLY",
            createdAt: null,
            status: null,
            workload: { id: WORKLOAD },
          },
        },
      ],
      pageInfo: { hasNextPage: true, endCursor: "AAEAAQ==" },
    });
  });

  it("AWS without NextToken: the last page", async () => {
    const { result } = await run("list", {
      status: 200,
      body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","WorkloadShareSummaries":[{"ShareId":"5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a","SharedWith":"123456789012","PermissionType":"READONLY","Status":"PENDING"}]}',
    });
    expect(result.edges).toHaveLength(1);
    expect(result.edges[0].cursor).toBe("");
    expect(result.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });

  it("`after` goes upstream as NextToken unchanged, and the next NextToken comes back as is", async () => {
    const { result } = await run(
      "list",
      {
        status: 200,
        body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","WorkloadShareSummaries":[],"NextToken":"next/page+token=="}',
      },
      { workloadId: WORKLOAD, after: "AAEAAQ==/x+y" },
    );
    expect(upstream.received[0]?.url).toBe(
      "/workloads/0123456789abcdef0123456789abcdef/shares?MaxResults=50&NextToken=AAEAAQ%3D%3D%2Fx%2By",
    );
    expect(result.pageInfo).toEqual({ hasNextPage: true, endCursor: "next/page+token==" });
  });
});

describe("updateWorkloadShare success, both wires", () => {
  it("envelope data {id, shared_with, permission_type, status}", async () => {
    const { result } = await run("update", {
      status: 200,
      body: '{"success": true, "data": {"id": "abc123", "shared_with": "123456789012", "permission_type": "CONTRIBUTOR", "status": "ACCEPTED"}}',
    });
    expect(result).toEqual({
      __typename: "UpdateWorkloadShareSuccess",
      share: {
        id: "abc123",
        workloadId: WORKLOAD,
        sharedWith: "123456789012",
        permissionType: "CONTRIBUTOR",
        createdAt: null,
        status: "ACCEPTED",
        workload: { id: WORKLOAD },
      },
    });
  });

  it("AWS {WorkloadId, WorkloadShare: {...}}", async () => {
    const { result } = await run("update", {
      status: 200,
      body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","WorkloadShare":{"ShareId":"abc123","SharedBy":"111122223333","SharedWith":"123456789012","PermissionType":"CONTRIBUTOR","Status":"PENDING","WorkloadName":"Data lake","WorkloadId":"0123456789abcdef0123456789abcdef"}}',
    });
    expect(result).toEqual({
      __typename: "UpdateWorkloadShareSuccess",
      share: {
        id: "abc123",
        workloadId: WORKLOAD,
        sharedWith: "123456789012",
        permissionType: "CONTRIBUTOR",
        createdAt: null,
        status: "PENDING",
        workload: { id: WORKLOAD },
      },
    });
  });
});

describe("deleteWorkloadShare success, both wires", () => {
  const cases: [string, string][] = [
    ['envelope data {"id": "abc123"}', '{"success": true, "data": {"id": "abc123"}}'],
    ["envelope data null", '{"success": true, "data": null}'],
    ["envelope data absent", '{"success": true}'],
    ["an empty 2xx body (the AWS wire's Unit output)", ""],
    ["{}", "{}"],
  ];
  for (const [name, body] of cases) {
    it(`${name} → DeleteWorkloadShareSuccess`, async () => {
      const { result } = await run("delete", { status: 200, body });
      expect(result).toEqual({
        __typename: "DeleteWorkloadShareSuccess",
        deletedShareId: "abc123",
        clientRequestToken: TOKEN,
      });
    });
  }

  it("AWS empty body with content-type application/json → DeleteWorkloadShareSuccess", async () => {
    const { result } = await run("delete", {
      status: 200,
      headers: { "content-type": "application/json", "x-amzn-RequestId": "del-1" },
      body: "",
    });
    expect(result).toEqual({
      __typename: "DeleteWorkloadShareSuccess",
      deletedShareId: "abc123",
      clientRequestToken: TOKEN,
    });
  });

  it("a 204 with no body → DeleteWorkloadShareSuccess", async () => {
    const { result } = await run("delete", { status: 204 });
    expect(result).toMatchObject({ __typename: "DeleteWorkloadShareSuccess", deletedShareId: "abc123" });
  });
});

describe("the request the gateway sends upstream", () => {
  const OK_CREATE: ScriptedAnswer = {
    status: 200,
    body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","ShareId":"5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a"}',
  };
  const OK_LIST: ScriptedAnswer = {
    status: 200,
    body: '{"WorkloadId":"0123456789abcdef0123456789abcdef","WorkloadShareSummaries":[]}',
  };

  it("createWorkloadShare: POST /workloads/{id}/shares, JSON body with exactly SharedWith, PermissionType, ClientRequestToken", async () => {
    await run("create", OK_CREATE, {
      input: { workloadId: WORKLOAD, sharedWith: "o-abcdefghij", permissionType: "CONTRIBUTOR", clientRequestToken: TOKEN },
    });
    const [request] = upstream.received;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/workloads/0123456789abcdef0123456789abcdef/shares");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers.accept).toBe("application/json");
    const body = JSON.parse(request?.body ?? "null") as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["ClientRequestToken", "PermissionType", "SharedWith"]);
    expect(body).toEqual({ SharedWith: "o-abcdefghij", PermissionType: "CONTRIBUTOR", ClientRequestToken: TOKEN });
  });

  it("workloadShares with no arguments: GET ?MaxResults=50 only, no body, no content-type", async () => {
    await run("list", OK_LIST, { workloadId: WORKLOAD });
    const [request] = upstream.received;
    expect(request?.method).toBe("GET");
    expect(request?.url).toBe("/workloads/0123456789abcdef0123456789abcdef/shares?MaxResults=50");
    expect(request?.body).toBe("");
    expect(request?.headers["content-type"]).toBeUndefined();
  });

  it('sharedWithPrefix "a b/+" → SharedWithPrefix=a%20b%2F%2B (RFC 3986, never +)', async () => {
    await run("list", OK_LIST, { workloadId: WORKLOAD, sharedWithPrefix: "a b/+" });
    expect(upstream.received[0]?.url).toBe(
      "/workloads/0123456789abcdef0123456789abcdef/shares?MaxResults=50&SharedWithPrefix=a%20b%2F%2B",
    );
  });

  it("every argument, sorted by name (reference §4 literal query)", async () => {
    await run("list", OK_LIST, {
      workloadId: WORKLOAD,
      status: "PENDING",
      sharedWithPrefix: "1234",
      first: 10,
      after: "abc/+=",
    });
    expect(upstream.received[0]?.url).toBe(
      "/workloads/0123456789abcdef0123456789abcdef/shares?MaxResults=10&NextToken=abc%2F%2B%3D&SharedWithPrefix=1234&Status=PENDING",
    );
  });

  it("RFC 3986 reserved and non-ASCII characters are percent-encoded; unreserved ones are not", async () => {
    await run("list", OK_LIST, { workloadId: WORKLOAD, sharedWithPrefix: "*'()!~._-é&=?#" });
    expect(upstream.received[0]?.url).toBe(
      "/workloads/0123456789abcdef0123456789abcdef/shares?MaxResults=50&SharedWithPrefix=%2A%27%28%29%21~._-%C3%A9%26%3D%3F%23",
    );
  });

  it("only the given parameters: status alone", async () => {
    await run("list", OK_LIST, { workloadId: WORKLOAD, status: "ACCEPTED" });
    expect(upstream.received[0]?.url).toBe("/workloads/0123456789abcdef0123456789abcdef/shares?MaxResults=50&Status=ACCEPTED");
  });

  it("updateWorkloadShare: PATCH /workloads/{id}/shares/{shareId}, body only {PermissionType}", async () => {
    await run(
      "update",
      {
        status: 200,
        body: '{"success": true, "data": {"id": "abc_123-X", "shared_with": "123456789012", "permission_type": "READONLY", "status": "ACCEPTED"}}',
      },
      { input: { workloadId: WORKLOAD, shareId: "abc_123-X", permissionType: "READONLY" } },
    );
    const [request] = upstream.received;
    expect(request?.method).toBe("PATCH");
    expect(request?.url).toBe("/workloads/0123456789abcdef0123456789abcdef/shares/abc_123-X");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "null")).toEqual({ PermissionType: "READONLY" });
  });

  it("deleteWorkloadShare: DELETE /workloads/{id}/shares/{shareId}?ClientRequestToken=… (percent-encoded), no body", async () => {
    await run("delete", { status: 200, body: "" }, {
      input: { workloadId: WORKLOAD, shareId: "abc_123-X", clientRequestToken: "tok en/+=" },
    });
    const [request] = upstream.received;
    expect(request?.method).toBe("DELETE");
    expect(request?.url).toBe(
      "/workloads/0123456789abcdef0123456789abcdef/shares/abc_123-X?ClientRequestToken=tok%20en%2F%2B%3D",
    );
    expect(request?.body).toBe("");
    expect(request?.headers["content-type"]).toBeUndefined();
  });
});
