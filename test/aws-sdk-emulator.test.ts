// Issue 3: the emulator in AWS mode speaks the real wire. The official
// @aws-sdk/client-wellarchitected drives it through all four operations,
// idempotent replays, every error type, paging and signature refusals, and
// gets what the real service would give.
import {
  AccessDeniedException,
  ConflictException,
  CreateWorkloadShareCommand,
  DeleteWorkloadShareCommand,
  InternalServerException,
  ListWorkloadSharesCommand,
  paginateListWorkloadShares,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  UpdateWorkloadShareCommand,
  ValidationException,
  WellArchitectedClient,
  WellArchitectedServiceException,
  type WorkloadShareSummary,
} from "@aws-sdk/client-wellarchitected";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { injectFault, resetEmulator, SEEDED, startTestEmulator, TEST_CREDENTIALS } from "./support/emulator.js";

const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISMATCH = /^The request signature we calculated does not match the signature you provided/;

let emulator: RunningEmulator;
const clients: WellArchitectedClient[] = [];

function client(options: { credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }; maxAttempts?: number; region?: string; endpoint?: string } = {}) {
  const c = new WellArchitectedClient({
    region: options.region ?? "us-east-1",
    endpoint: options.endpoint ?? emulator.url,
    credentials: options.credentials ?? TEST_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 3,
  });
  clients.push(c);
  return c;
}

function amzDateMs(value: unknown): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(value));
  if (!m) throw new Error(`not an x-amz-date: ${String(value)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The error a call failed with (it must fail). */
async function failure(call: Promise<unknown>): Promise<WellArchitectedServiceException> {
  try {
    await call;
  } catch (error) {
    return error as WellArchitectedServiceException;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  emulator = await startTestEmulator("aws", { credentials: TEST_CREDENTIALS });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await emulator?.close();
});
beforeEach(() => resetEmulator(emulator.url));

const create = (input: { WorkloadId: string; SharedWith: string; PermissionType?: "READONLY" | "CONTRIBUTOR"; ClientRequestToken?: string }, c = client()) =>
  c.send(new CreateWorkloadShareCommand({ PermissionType: "READONLY", ...input }));

describe("CreateWorkloadShare", () => {
  it("creates a share and answers its IDs with the request ID in $metadata", async () => {
    const out = await create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012", ClientRequestToken: "sdk-1" });
    expect(out.WorkloadId).toBe(SEEDED.roomy);
    expect(out.ShareId).toMatch(HEX32);
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1, requestId: expect.stringMatching(UUID) });
  });

  it("replays the original result for the same token and parameters (idempotency)", async () => {
    const first = await create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012", ClientRequestToken: "sdk-replay" });
    const again = await create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012", ClientRequestToken: "sdk-replay" });
    expect(again.ShareId).toBe(first.ShareId);
    const page = await client().send(new ListWorkloadSharesCommand({ WorkloadId: SEEDED.roomy }));
    expect(page.WorkloadShareSummaries).toHaveLength(1);
  });

  it("fills in a token itself when none is given, as the SDK does, and the emulator accepts it", async () => {
    const out = await create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012" });
    expect(out.ShareId).toMatch(HEX32);
  });

  it("ConflictException for the same token with other parameters", async () => {
    await create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012", ClientRequestToken: "sdk-conflict" });
    const error = await failure(create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012", PermissionType: "CONTRIBUTOR", ClientRequestToken: "sdk-conflict" }));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ name: "ConflictException", $fault: "client", $metadata: { httpStatusCode: 409 } });
  });

  it("ConflictException for a second share with the same principal, naming the existing share", async () => {
    const error = await failure(create({ WorkloadId: SEEDED.dataLake, SharedWith: "111122223333", ClientRequestToken: "sdk-dup" }));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ ResourceId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b", ResourceType: "WORKLOAD_SHARE" });
    expect(error.message).toMatch(/already shared/);
  });

  it("ResourceNotFoundException for an unknown workload", async () => {
    const error = await failure(create({ WorkloadId: SEEDED.unknown, SharedWith: "123456789012" }));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ ResourceId: SEEDED.unknown, ResourceType: "WORKLOAD", $metadata: { httpStatusCode: 404 } });
  });

  it("ServiceQuotaExceededException (HTTP 402) for a full workload", async () => {
    const error = await failure(create({ WorkloadId: SEEDED.full, SharedWith: "123456789012" }));
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error).toMatchObject({ QuotaCode: expect.any(String), ServiceCode: "wellarchitected", $metadata: { httpStatusCode: 402 } });
  });

  it("ValidationException with Reason and Fields for an 11-character SharedWith", async () => {
    const error = await failure(create({ WorkloadId: SEEDED.roomy, SharedWith: "12345678901" }));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({
      $metadata: { httpStatusCode: 400 },
      Reason: "FIELD_VALIDATION_FAILED",
      Fields: [{ Name: "SharedWith", Message: expect.any(String) }],
    });
  });

  it("ValidationException for a WorkloadId the SDK percent-encodes into the path (the signature still verifies)", async () => {
    const error = await failure(create({ WorkloadId: "not/a workload", SharedWith: "123456789012" }));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ Fields: [{ Name: "WorkloadId" }] });
    expect(emulator.requests.at(-1)?.url).toBe("/workloads/not%2Fa%20workload/shares");
  });

  it("AccessDeniedException when IAM would refuse the action", async () => {
    await injectFault(emulator.url, { kind: "accessDenied" });
    const error = await failure(create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012" }));
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error.message).toMatch(/not authorized to perform: wellarchitected:CreateWorkloadShare/);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 403, attempts: 1 });
  });

  it("ThrottlingException (429) is retried by the SDK and then succeeds", async () => {
    await injectFault(emulator.url, { kind: "throttle", count: 1 });
    const out = await create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012", ClientRequestToken: "sdk-throttled" });
    expect(out.$metadata.attempts).toBe(2);
    const page = await client().send(new ListWorkloadSharesCommand({ WorkloadId: SEEDED.roomy }));
    expect(page.WorkloadShareSummaries).toHaveLength(1);
  });

  it("ThrottlingException when the SDK may not retry", async () => {
    await injectFault(emulator.url, { kind: "throttle" });
    const error = await failure(create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012" }, client({ maxAttempts: 1 })));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ $fault: "client", $metadata: { httpStatusCode: 429 } });
  });

  it("InternalServerException (500, a server fault)", async () => {
    await injectFault(emulator.url, { kind: "error5xx" });
    const error = await failure(create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012" }, client({ maxAttempts: 1 })));
    expect(error).toBeInstanceOf(InternalServerException);
    expect(error).toMatchObject({ $fault: "server", $metadata: { httpStatusCode: 500 } });
  });
});

describe("ListWorkloadShares", () => {
  it("pages with MaxResults and NextToken through the SDK's paginator", async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await create({ WorkloadId: SEEDED.roomy, SharedWith: `20000000000${i}` })).ShareId);
    const pages = [];
    const shares: WorkloadShareSummary[] = [];
    for await (const page of paginateListWorkloadShares({ client: client(), pageSize: 2 }, { WorkloadId: SEEDED.roomy })) {
      pages.push(page);
      shares.push(...(page.WorkloadShareSummaries ?? []));
    }
    expect(pages.map((p) => p.WorkloadShareSummaries?.length)).toEqual([2, 2, 1]);
    expect(pages.at(-1)?.NextToken).toBeUndefined();
    expect(shares.map((s) => s.ShareId)).toEqual(created);
    expect(shares[0]).toMatchObject({ SharedWith: "200000000000", PermissionType: "READONLY", Status: "PENDING" });
  });

  it("filters by SharedWithPrefix and Status", async () => {
    const page = await client().send(new ListWorkloadSharesCommand({ WorkloadId: SEEDED.dataLake, SharedWithPrefix: "o-", Status: "PENDING" }));
    expect(page.WorkloadShareSummaries?.map((s) => s.SharedWith)).toEqual(["o-exampleorgid1"]);
  });

  it("ValidationException for MaxResults 51, ResourceNotFoundException for an unknown workload", async () => {
    const tooMany = await failure(client().send(new ListWorkloadSharesCommand({ WorkloadId: SEEDED.roomy, MaxResults: 51 })));
    expect(tooMany).toBeInstanceOf(ValidationException);
    expect(tooMany).toMatchObject({ Fields: [{ Name: "MaxResults" }] });
    const unknown = await failure(client().send(new ListWorkloadSharesCommand({ WorkloadId: SEEDED.unknown })));
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("UpdateWorkloadShare and DeleteWorkloadShare", () => {
  it("updates the permission and answers the WorkloadShare", async () => {
    const out = await client().send(
      new UpdateWorkloadShareCommand({ WorkloadId: SEEDED.dataLake, ShareId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b", PermissionType: "CONTRIBUTOR" }),
    );
    expect(out.WorkloadId).toBe(SEEDED.dataLake);
    expect(out.WorkloadShare).toMatchObject({
      ShareId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b",
      SharedWith: "111122223333",
      PermissionType: "CONTRIBUTOR",
      Status: "ACCEPTED",
      WorkloadName: "data-lake",
      WorkloadId: SEEDED.dataLake,
    });
  });

  it("ResourceNotFoundException for an unknown share", async () => {
    const error = await failure(
      client().send(new UpdateWorkloadShareCommand({ WorkloadId: SEEDED.dataLake, ShareId: "ffffffffffffffffffffffffffffffff", PermissionType: "READONLY" })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it("deletes, replays the delete for the same token, and then the share is gone", async () => {
    const share = "7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";
    const first = await client().send(new DeleteWorkloadShareCommand({ WorkloadId: SEEDED.dataLake, ShareId: share, ClientRequestToken: "sdk-del" }));
    const replay = await client().send(new DeleteWorkloadShareCommand({ WorkloadId: SEEDED.dataLake, ShareId: share, ClientRequestToken: "sdk-del" }));
    expect(first.$metadata.httpStatusCode).toBe(200);
    expect(replay.$metadata.httpStatusCode).toBe(200);
    const page = await client().send(new ListWorkloadSharesCommand({ WorkloadId: SEEDED.dataLake }));
    expect(page.WorkloadShareSummaries?.map((s) => s.ShareId)).toEqual(["5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b"]);
    const again = await failure(client().send(new DeleteWorkloadShareCommand({ WorkloadId: SEEDED.dataLake, ShareId: share })));
    expect(again).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("signatures are checked as the service checks them", () => {
  const operations = {
    CreateWorkloadShare: (c: WellArchitectedClient) => create({ WorkloadId: SEEDED.roomy, SharedWith: "123456789012" }, c),
    ListWorkloadShares: (c: WellArchitectedClient) => c.send(new ListWorkloadSharesCommand({ WorkloadId: SEEDED.roomy })),
    UpdateWorkloadShare: (c: WellArchitectedClient) =>
      c.send(new UpdateWorkloadShareCommand({ WorkloadId: SEEDED.dataLake, ShareId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b", PermissionType: "READONLY" })),
    DeleteWorkloadShare: (c: WellArchitectedClient) =>
      c.send(new DeleteWorkloadShareCommand({ WorkloadId: SEEDED.dataLake, ShareId: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b" })),
  };

  it.each(Object.entries(operations))("%s with a wrong secret: 403 InvalidSignatureException, nothing changes", async (_name, run) => {
    const error = await failure(run(client({ credentials: { ...TEST_CREDENTIALS, secretAccessKey: "not-the-secret" } })));
    expect(error).toMatchObject({ name: "InvalidSignatureException", $fault: "client", $metadata: { httpStatusCode: 403, attempts: 1 } });
    expect(error.message).toMatch(MISMATCH);
    expect(emulator.store.workloads.get(SEEDED.roomy)?.shares).toHaveLength(0);
    expect(emulator.store.workloads.get(SEEDED.dataLake)?.shares).toHaveLength(2);
  });

  it("an unknown access key: 403 UnrecognizedClientException", async () => {
    const error = await failure(operations.CreateWorkloadShare(client({ credentials: { ...TEST_CREDENTIALS, accessKeyId: "AKIAUNKNOWNEXAMPLE00" } })));
    expect(error).toMatchObject({ name: "UnrecognizedClientException", message: "The security token included in the request is invalid.", $metadata: { httpStatusCode: 403 } });
  });

  it("a session token the service did not issue: 403 UnrecognizedClientException", async () => {
    const error = await failure(operations.ListWorkloadShares(client({ credentials: { ...TEST_CREDENTIALS, sessionToken: "made-up" } })));
    expect(error).toMatchObject({ name: "UnrecognizedClientException", $metadata: { httpStatusCode: 403 } });
  });

  it("a signing Region that is not an AWS Region: 403 InvalidSignatureException", async () => {
    const error = await failure(operations.ListWorkloadShares(client({ region: "mars-central-1" })));
    expect(error).toMatchObject({ name: "InvalidSignatureException", $metadata: { httpStatusCode: 403 } });
    expect(error.message).toMatch(/valid region/);
  });

  it("a server clock 10 minutes ahead: the SDK corrects its clock and its one retry succeeds", async () => {
    const skewed = await startTestEmulator("aws", { credentials: TEST_CREDENTIALS, clockOffsetMs: 10 * 60_000 });
    try {
      const out = await client({ endpoint: skewed.url }).send(new ListWorkloadSharesCommand({ WorkloadId: SEEDED.dataLake }));
      expect(out.$metadata.attempts).toBe(2);
      const [refused, accepted] = skewed.requests.map((r) => amzDateMs(r.headers["x-amz-date"]));
      // The retry is signed with the server's time, about 10 minutes after the refused attempt's.
      expect((accepted as number) - (refused as number)).toBeGreaterThan(9 * 60_000);
      expect((accepted as number) - (refused as number)).toBeLessThan(11 * 60_000);
    } finally {
      await skewed.close();
    }
  });
});
