// The four operations end to end: gateway -> emulator, in both wire formats.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { startGateway, gql, type TestGateway } from "./support/gateway.js";
import { CREATE, injectFault, resetEmulator, SEEDED, startTestEmulator } from "./support/emulator.js";

const LIST = `query($id: ID!, $first: Int, $after: String, $prefix: String, $status: ShareStatus) {
  workloadShares(workloadId: $id, first: $first, after: $after, sharedWithPrefix: $prefix, status: $status) {
    __typename
    ... on WorkloadShareConnection {
      edges { cursor node { id workloadId sharedWith permissionType status createdAt } }
      pageInfo { hasNextPage endCursor }
    }
    ... on Error { code message retryable }
  }
}`;
const UPDATE = `mutation($input: UpdateWorkloadShareInput!) { updateWorkloadShare(input: $input) {
  __typename
  ... on UpdateWorkloadShareSuccess { share { id sharedWith permissionType status workload { id } } }
  ... on Error { code message }
  ... on ResourceNotFoundError { resourceId resourceType } } }`;
const DELETE = `mutation($input: DeleteWorkloadShareInput!) { deleteWorkloadShare(input: $input) {
  __typename
  ... on DeleteWorkloadShareSuccess { deletedShareId clientRequestToken }
  ... on Error { code message } } }`;

for (const format of ["envelope", "aws"] as const) {
  describe(`operations through the gateway (${format} wire)`, () => {
    let emulator: RunningEmulator;
    let gateway: TestGateway;
    beforeAll(async () => {
      emulator = await startTestEmulator(format);
      gateway = await startGateway(emulator.url);
    });
    afterAll(async () => {
      await gateway?.close();
      await emulator?.close();
    });
    beforeEach(() => resetEmulator(emulator.url));

    const create = async (workloadId: string, sharedWith: string, token?: string) =>
      (await gql(gateway.url, CREATE, { input: { workloadId, sharedWith, permissionType: "READONLY", clientRequestToken: token } }))
        .body.data.createWorkloadShare;

    it("maps a duplicate principal to ConflictError", async () => {
      const result = await create(SEEDED.dataLake, "111122223333");
      expect(result).toMatchObject({ __typename: "ConflictError", retryable: false, resourceId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b" });
    });

    it("maps an unknown workload to ResourceNotFoundError", async () => {
      const result = await create(SEEDED.unknown, "123456789012");
      expect(result).toMatchObject({ __typename: "ResourceNotFoundError", resourceId: SEEDED.unknown, resourceType: "WORKLOAD" });
    });

    it("maps a full workload to ServiceQuotaExceededError", async () => {
      const result = await create(SEEDED.full, "123456789012");
      expect(result).toMatchObject({ __typename: "ServiceQuotaExceededError", serviceCode: "wellarchitected", retryable: false });
    });

    it("rides out two throttles with retries and creates exactly one share", async () => {
      await injectFault(emulator.url, { kind: "throttle", count: 2, workloadId: SEEDED.roomy });
      const result = await create(SEEDED.roomy, "123456789012", "throttled-once");
      expect(result.__typename).toBe("CreateWorkloadShareSuccess");
      expect(emulator.requests).toHaveLength(3);
      expect(emulator.store.workloads.get(SEEDED.roomy)?.shares).toHaveLength(1);
    });

    it("answers a malformed body as UpstreamError UPSTREAM_BAD_RESPONSE", async () => {
      await injectFault(emulator.url, { kind: "malformed" });
      const result = await create(SEEDED.roomy, "123456789012");
      expect(result).toMatchObject({ __typename: "UpstreamError", code: "UPSTREAM_BAD_RESPONSE", httpStatus: 200 });
    });

    it("pages workloadShares page-wise with the upstream's NextToken as cursor", async () => {
      for (let i = 0; i < 3; i++) await create(SEEDED.roomy, `99998888777${i}`);
      const page1 = (await gql(gateway.url, LIST, { id: SEEDED.roomy, first: 2 })).body.data.workloadShares;
      expect(page1.__typename).toBe("WorkloadShareConnection");
      expect(page1.edges).toHaveLength(2);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      expect(page1.edges.every((e: { cursor: string }) => e.cursor === page1.pageInfo.endCursor)).toBe(true);
      const page2 = (await gql(gateway.url, LIST, { id: SEEDED.roomy, first: 2, after: page1.pageInfo.endCursor })).body.data.workloadShares;
      expect(page2.edges).toHaveLength(1);
      expect(page2.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
      expect(page2.edges[0].cursor).toBe("");
      expect(page2.edges[0].node).toMatchObject({ workloadId: SEEDED.roomy, status: "PENDING", permissionType: "READONLY" });
    });

    it("filters by status and prefix", async () => {
      const accepted = (await gql(gateway.url, LIST, { id: SEEDED.dataLake, status: "ACCEPTED" })).body.data.workloadShares;
      expect(accepted.edges.map((e: { node: { sharedWith: string } }) => e.node.sharedWith)).toEqual(["111122223333"]);
      const org = (await gql(gateway.url, LIST, { id: SEEDED.dataLake, prefix: "o-" })).body.data.workloadShares;
      expect(org.edges.map((e: { node: { sharedWith: string } }) => e.node.sharedWith)).toEqual(["o-exampleorgid1"]);
    });

    it("updates a share's permission", async () => {
      const { body } = await gql(gateway.url, UPDATE, {
        input: { workloadId: SEEDED.dataLake, shareId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b", permissionType: "CONTRIBUTOR" },
      });
      expect(body.data.updateWorkloadShare).toEqual({
        __typename: "UpdateWorkloadShareSuccess",
        share: {
          id: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b",
          sharedWith: "111122223333",
          permissionType: "CONTRIBUTOR",
          status: "ACCEPTED",
          workload: { id: SEEDED.dataLake },
        },
      });
    });

    it("maps an unknown share on update to ResourceNotFoundError", async () => {
      const { body } = await gql(gateway.url, UPDATE, {
        input: { workloadId: SEEDED.dataLake, shareId: "ffffffffffffffffffffffffffffffff", permissionType: "READONLY" },
      });
      expect(body.data.updateWorkloadShare).toMatchObject({ __typename: "ResourceNotFoundError", resourceType: "WORKLOAD_SHARE" });
    });

    it("deletes a share and replays the deletion for the same token", async () => {
      const input = { workloadId: SEEDED.dataLake, shareId: "7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f", clientRequestToken: "del-1" };
      const first = (await gql(gateway.url, DELETE, { input })).body.data.deleteWorkloadShare;
      const second = (await gql(gateway.url, DELETE, { input })).body.data.deleteWorkloadShare;
      expect(first).toEqual({ __typename: "DeleteWorkloadShareSuccess", deletedShareId: "7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f", clientRequestToken: "del-1" });
      expect(second).toEqual(first);
      expect(emulator.store.workloads.get(SEEDED.dataLake)?.shares).toHaveLength(1);
    });
  });
}

describe("reads of one workload's shares reach the upstream once per GraphQL request (dataloader)", () => {
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

  it("de-duplicates identical reads and keeps distinct arguments apart", async () => {
    const doc = `query($id: ID!) {
      a: workloadShares(workloadId: $id) { __typename }
      b: workloadShares(workloadId: $id) { ... on WorkloadShareConnection { edges { node { id workload { shares { __typename } } } } } }
      c: workloadShares(workloadId: $id, first: 1) { __typename }
    }`;
    const { body } = await gql(gateway.url, doc, { id: SEEDED.dataLake });
    expect(body.errors).toBeUndefined();
    const urls = emulator.requests.map((r) => r.url).sort();
    expect(urls).toEqual([
      `/workloads/${SEEDED.dataLake}/shares?MaxResults=1`,
      `/workloads/${SEEDED.dataLake}/shares?MaxResults=50`,
    ]);
  });

  it("does not cache across GraphQL requests", async () => {
    const doc = `query($id: ID!) { workloadShares(workloadId: $id) { __typename } }`;
    await gql(gateway.url, doc, { id: SEEDED.dataLake });
    await gql(gateway.url, doc, { id: SEEDED.dataLake });
    expect(emulator.requests).toHaveLength(2);
  });
});
