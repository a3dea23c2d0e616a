// Issue 3: the gateway's AWS wire is the official SDK's. A recording server
// (literal answers, no gateway code) receives the same logical request from
// @aws-sdk/client-wellarchitected and from the gateway; method, path, query,
// JSON body, content-type and the signed headers agree, and both signatures
// verify with the same credentials. Error answers decode as the SDK decodes them.
import {
  CreateWorkloadShareCommand,
  DeleteWorkloadShareCommand,
  ListWorkloadSharesCommand,
  UpdateWorkloadShareCommand,
  WellArchitectedClient,
} from "@aws-sdk/client-wellarchitected";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../src/emulator/sigv4-verify.js";
import { SigV4Signer } from "../src/upstream/signing.js";
import { CREATE, TEST_CREDENTIALS } from "./support/emulator.js";
import { gql, startGateway, type TestGateway } from "./support/gateway.js";
import { DELETE, LIST, UPDATE } from "./support/share-documents.js";
import { startScriptedUpstream, type ReceivedRequest, type ScriptedAnswer, type ScriptedUpstream } from "./support/scripted-upstream.js";
import { parseAuthorization, referenceVerify } from "./support/sigv4-reference.js";

const REGION = "us-west-2";
const W = "0123456789abcdef0123456789abcdef";
const S = "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b";
const TEMPORARY = { accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: "temporary/secret/EXAMPLEKEY", sessionToken: "FwoGZXIvYXdzEXAMPLE//token+with/odd=chars" };

const CREATED: ScriptedAnswer = { status: 200, headers: { "content-type": "application/json" }, body: `{"WorkloadId":"${W}","ShareId":"${S}"}` };
const PAGE: ScriptedAnswer = { status: 200, headers: { "content-type": "application/json" }, body: `{"WorkloadId":"${W}","WorkloadShareSummaries":[]}` };
const UPDATED: ScriptedAnswer = {
  status: 200,
  headers: { "content-type": "application/json" },
  body: `{"WorkloadId":"${W}","WorkloadShare":{"ShareId":"${S}","SharedWith":"123456789012","PermissionType":"CONTRIBUTOR","Status":"PENDING"}}`,
};
const DELETED: ScriptedAnswer = { status: 200, body: "" };

let upstream: ScriptedUpstream;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  upstream = await startScriptedUpstream();
});
afterAll(async () => {
  for (const g of gateways) await g.close();
  await upstream?.close();
});

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function sdkClient(credentials: Credentials, maxAttempts = 3): WellArchitectedClient {
  return new WellArchitectedClient({ region: REGION, endpoint: upstream.url, credentials, maxAttempts });
}

async function gatewayFor(credentials: Credentials, maxAttempts = 3): Promise<TestGateway> {
  const gateway = await startGateway(upstream.url, { signer: new SigV4Signer({ region: REGION, credentials }), maxAttempts });
  gateways.push(gateway);
  return gateway;
}

/** What the SDK and the gateway each sent for one logical request. */
async function both(
  answer: ScriptedAnswer,
  credentials: Credentials,
  viaSdk: (client: WellArchitectedClient) => Promise<unknown>,
  viaGateway: (url: string) => Promise<unknown>,
): Promise<{ sdk: ReceivedRequest; gateway: ReceivedRequest }> {
  const client = sdkClient(credentials);
  const gateway = await gatewayFor(credentials);
  upstream.script(answer);
  await viaSdk(client);
  const sdk = upstream.received[0] as ReceivedRequest;
  upstream.script(answer);
  await viaGateway(gateway.url);
  const fromGateway = upstream.received[0] as ReceivedRequest;
  client.destroy();
  expect(sdk).toBeDefined();
  expect(fromGateway).toBeDefined();
  return { sdk, gateway: fromGateway };
}

const AMZ_HEADER = /^(x-amz-|amz-sdk-)/;

async function expectSameWire(sdk: ReceivedRequest, gateway: ReceivedRequest, credentials: Credentials): Promise<void> {
  expect(gateway.method).toBe(sdk.method);
  // Path and query byte for byte: same order, same percent-encoding.
  expect(gateway.url).toBe(sdk.url);
  expect(gateway.body === "" ? null : JSON.parse(gateway.body)).toEqual(sdk.body === "" ? null : JSON.parse(sdk.body));
  expect(gateway.headers["content-type"]).toBe(sdk.headers["content-type"]);
  expect(gateway.headers["content-length"]).toBe(sdk.headers["content-length"]);
  expect(gateway.headers.host).toBe(sdk.headers.host);
  expect(gateway.headers["x-amz-content-sha256"]).toBe(sdk.headers["x-amz-content-sha256"]);
  expect(gateway.headers["x-amz-security-token"]).toBe(sdk.headers["x-amz-security-token"]);
  expect(gateway.headers["amz-sdk-request"]).toBe(sdk.headers["amz-sdk-request"]);

  const sdkAuth = parseAuthorization(sdk.headers.authorization);
  const gatewayAuth = parseAuthorization(gateway.headers.authorization);
  expect(gatewayAuth.signedHeaders).toEqual(sdkAuth.signedHeaders);
  expect({ ...gatewayAuth, date: "", signature: "", signedHeaders: [] }).toEqual({ ...sdkAuth, date: "", signature: "", signedHeaders: [] });
  const amzNames = (r: ReceivedRequest) => Object.keys(r.headers).filter((h) => AMZ_HEADER.test(h)).sort();
  expect(amzNames(gateway)).toEqual(amzNames(sdk));

  for (const request of [sdk, gateway]) {
    expect(await verifySignature(request, { credentials })).toEqual({ ok: true });
    expect(referenceVerify(request, credentials.secretAccessKey)).toBe(true);
  }
}

describe("the gateway sends what the SDK sends, signed the same way", () => {
  it("CreateWorkloadShare", async () => {
    const { sdk, gateway } = await both(
      CREATED,
      TEST_CREDENTIALS,
      (c) => c.send(new CreateWorkloadShareCommand({ WorkloadId: W, SharedWith: "123456789012", PermissionType: "READONLY", ClientRequestToken: "parity-1" })),
      (url) => gql(url, CREATE, { input: { workloadId: W, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "parity-1" } }),
    );
    await expectSameWire(sdk, gateway, TEST_CREDENTIALS);
    expect(sdk.url).toBe(`/workloads/${W}/shares`);
    // Reference §8, literally.
    expect(parseAuthorization(gateway.headers.authorization).signedHeaders.join(";")).toBe(
      "amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-user-agent",
    );
  });

  it("CreateWorkloadShare with non-ASCII text in the body", async () => {
    const sharedWith = "ou-ab12-\u00fcn\u00efc\u00f6d\u00e9 \u2713 \"quoted\" \\ / \u{1F600}";
    const { sdk, gateway } = await both(
      CREATED,
      TEST_CREDENTIALS,
      (c) => c.send(new CreateWorkloadShareCommand({ WorkloadId: W, SharedWith: sharedWith, PermissionType: "CONTRIBUTOR", ClientRequestToken: "t \u00e9/+=" })),
      (url) => gql(url, CREATE, { input: { workloadId: W, sharedWith, permissionType: "CONTRIBUTOR", clientRequestToken: "t \u00e9/+=" } }),
    );
    await expectSameWire(sdk, gateway, TEST_CREDENTIALS);
    expect(gateway.body).toBe(sdk.body);
  });

  it("ListWorkloadShares with only the workload (the gateway's default MaxResults 50)", async () => {
    const { sdk, gateway } = await both(
      PAGE,
      TEST_CREDENTIALS,
      (c) => c.send(new ListWorkloadSharesCommand({ WorkloadId: W, MaxResults: 50 })),
      (url) => gql(url, LIST, { workloadId: W }),
    );
    await expectSameWire(sdk, gateway, TEST_CREDENTIALS);
    expect(gateway.url).toBe(`/workloads/${W}/shares?MaxResults=50`);
    expect(parseAuthorization(gateway.headers.authorization).signedHeaders.join(";")).toBe(
      "amz-sdk-invocation-id;amz-sdk-request;host;x-amz-content-sha256;x-amz-date;x-amz-user-agent",
    );
    expect(gateway.headers["x-amz-content-sha256"]).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("ListWorkloadShares with every query parameter, reserved and non-ASCII characters included", async () => {
    const nextToken = "abc/+= ~*'()!\u00e9&x=y%20";
    const prefix = "o-ab c+d";
    const { sdk, gateway } = await both(
      PAGE,
      TEST_CREDENTIALS,
      (c) => c.send(new ListWorkloadSharesCommand({ WorkloadId: W, MaxResults: 7, NextToken: nextToken, SharedWithPrefix: prefix, Status: "PENDING" })),
      (url) => gql(url, LIST, { workloadId: W, first: 7, after: nextToken, sharedWithPrefix: prefix, status: "PENDING" }),
    );
    await expectSameWire(sdk, gateway, TEST_CREDENTIALS);
    expect(gateway.url).toBe(
      `/workloads/${W}/shares?MaxResults=7&NextToken=abc%2F%2B%3D%20~%2A%27%28%29%21%C3%A9%26x%3Dy%2520&SharedWithPrefix=o-ab%20c%2Bd&Status=PENDING`,
    );
  });

  it("UpdateWorkloadShare", async () => {
    const { sdk, gateway } = await both(
      UPDATED,
      TEST_CREDENTIALS,
      (c) => c.send(new UpdateWorkloadShareCommand({ WorkloadId: W, ShareId: S, PermissionType: "CONTRIBUTOR" })),
      (url) => gql(url, UPDATE, { input: { workloadId: W, shareId: S, permissionType: "CONTRIBUTOR" } }),
    );
    await expectSameWire(sdk, gateway, TEST_CREDENTIALS);
    expect(gateway.method).toBe("PATCH");
  });

  it("DeleteWorkloadShare", async () => {
    const { sdk, gateway } = await both(
      DELETED,
      TEST_CREDENTIALS,
      (c) => c.send(new DeleteWorkloadShareCommand({ WorkloadId: W, ShareId: S, ClientRequestToken: "parity delete/1" })),
      (url) => gql(url, DELETE, { input: { workloadId: W, shareId: S, clientRequestToken: "parity delete/1" } }),
    );
    await expectSameWire(sdk, gateway, TEST_CREDENTIALS);
    expect(gateway.url).toBe(`/workloads/${W}/shares/${S}?ClientRequestToken=parity%20delete%2F1`);
    expect(gateway.headers["content-type"]).toBeUndefined();
  });

  it("temporary credentials: the session token is sent and signed by both", async () => {
    const { sdk, gateway } = await both(
      CREATED,
      TEMPORARY,
      (c) => c.send(new CreateWorkloadShareCommand({ WorkloadId: W, SharedWith: "123456789012", PermissionType: "READONLY", ClientRequestToken: "parity-tmp" })),
      (url) => gql(url, CREATE, { input: { workloadId: W, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "parity-tmp" } }),
    );
    await expectSameWire(sdk, gateway, TEMPORARY);
    expect(gateway.headers["x-amz-security-token"]).toBe(TEMPORARY.sessionToken);
    expect(parseAuthorization(gateway.headers.authorization).signedHeaders).toContain("x-amz-security-token");
  });

  it("a signature made with other credentials does not verify (the checks are not vacuous)", async () => {
    upstream.script(CREATED);
    const gateway = await gatewayFor(TEST_CREDENTIALS);
    await gql(gateway.url, CREATE, { input: { workloadId: W, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "x" } });
    const request = upstream.received[0] as ReceivedRequest;
    expect(referenceVerify(request, "another-secret")).toBe(false);
    expect(await verifySignature(request, { credentials: { ...TEST_CREDENTIALS, secretAccessKey: "another-secret" } })).toMatchObject({
      ok: false,
      errorType: "InvalidSignatureException",
    });
    expect(referenceVerify({ ...request, body: request.body.replace("READONLY", "CONTRIBUTOR") }, TEST_CREDENTIALS.secretAccessKey)).toBe(false);
  });
});

describe("retries: both keep the invocation ID, count attempts and sign each one afresh", () => {
  it("a 500 then a 200", async () => {
    const failThenSucceed = (): void =>
      upstream.script(
        { status: 500, headers: { "x-amzn-errortype": "InternalServerException" }, body: '{"Message":"boom"}' },
        CREATED,
      );
    const client = sdkClient(TEST_CREDENTIALS);
    failThenSucceed();
    await client.send(
      new CreateWorkloadShareCommand({ WorkloadId: W, SharedWith: "123456789012", PermissionType: "READONLY", ClientRequestToken: "r-1" }),
    );
    client.destroy();
    const sdkAttempts = [...upstream.received];
    const gateway = await gatewayFor(TEST_CREDENTIALS);
    failThenSucceed();
    await gql(gateway.url, CREATE, { input: { workloadId: W, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "r-1" } });
    const gatewayAttempts = [...upstream.received];

    for (const attempts of [sdkAttempts, gatewayAttempts]) {
      expect(attempts).toHaveLength(2);
      const [first, second] = attempts as [ReceivedRequest, ReceivedRequest];
      expect(first.headers["amz-sdk-request"]).toBe("attempt=1; max=3");
      expect(second.headers["amz-sdk-request"]).toBe("attempt=2; max=3");
      expect(first.headers["amz-sdk-invocation-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(second.headers["amz-sdk-invocation-id"]).toBe(first.headers["amz-sdk-invocation-id"]);
      expect(second.body).toBe(first.body);
      expect(parseAuthorization(second.headers.authorization).signature).not.toBe(parseAuthorization(first.headers.authorization).signature);
      for (const request of attempts) expect(referenceVerify(request, TEST_CREDENTIALS.secretAccessKey)).toBe(true);
    }
    // A new call, a new invocation ID.
    failThenSucceed();
    await gql(gateway.url, CREATE, { input: { workloadId: W, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "r-1" } });
    expect(upstream.received[0]?.headers["amz-sdk-invocation-id"]).not.toBe(gatewayAttempts[0]?.headers["amz-sdk-invocation-id"]);
  });
});

describe("error answers decode as the SDK decodes them", () => {
  const cases: { name: string; answer: ScriptedAnswer }[] = [
    {
      name: "400, header with a coral suffix, body {Message, Reason, Fields}",
      answer: {
        status: 400,
        headers: {
          "x-amzn-errortype": "ValidationException:http://internal.amazon.com/coral/com.amazonaws.wellarchitected/",
          "x-amzn-requestid": "req-validation",
        },
        body: '{"Message":"1 validation error detected","Reason":"FIELD_VALIDATION_FAILED","Fields":[{"Name":"SharedWith","Message":"too short"}]}',
      },
    },
    {
      name: "409, body __type with a namespace and a lower-case message",
      answer: {
        status: 409,
        headers: { "x-amzn-requestid": "req-conflict" },
        body: '{"__type":"com.amazonaws.wellarchitected#ConflictException","message":"already shared","ResourceId":"r","ResourceType":"WORKLOAD_SHARE"}',
      },
    },
    {
      name: "402, body code",
      answer: {
        status: 402,
        headers: { "x-amzn-requestid": "req-quota" },
        body: '{"code":"ServiceQuotaExceededException","Message":"quota","QuotaCode":"L-1","ServiceCode":"wellarchitected"}',
      },
    },
    {
      name: "403, a signature error as the service sends it",
      answer: {
        status: 403,
        headers: { "x-amzn-errortype": "InvalidSignatureException", "x-amzn-requestid": "req-signature" },
        body: '{"message":"The request signature we calculated does not match the signature you provided."}',
      },
    },
    {
      name: "404, header type",
      answer: {
        status: 404,
        headers: { "x-amzn-errortype": "ResourceNotFoundException", "x-amzn-requestid": "req-404" },
        body: '{"Message":"Workload not found","ResourceId":"w","ResourceType":"WORKLOAD"}',
      },
    },
    {
      name: "418, an error type the model does not know",
      answer: {
        status: 418,
        headers: { "x-amzn-errortype": "SomethingNewException", "x-amzn-requestid": "req-new" },
        body: '{"Message":"brand new"}',
      },
    },
  ];

  it.each(cases)("$name", async ({ answer }) => {
    const client = sdkClient(TEST_CREDENTIALS, 1);
    upstream.script(answer);
    const error = (await client
      .send(new CreateWorkloadShareCommand({ WorkloadId: W, SharedWith: "123456789012", PermissionType: "READONLY", ClientRequestToken: "e-1" }))
      .then(
        () => null,
        (e: unknown) => e,
      )) as { name: string; message: string; $metadata: { requestId?: string; httpStatusCode?: number } } | null;
    client.destroy();
    expect(error).not.toBeNull();

    const gateway = await gatewayFor(TEST_CREDENTIALS, 1);
    upstream.script(answer);
    const { body } = await gql(gateway.url, CREATE, {
      input: { workloadId: W, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "e-1" },
    });
    const result = body.data.createWorkloadShare;
    expect(result.code).toBe(error?.name);
    expect(result.message).toBe(error?.message);
    if (result.__typename === "UpstreamError") {
      expect(result.requestId).toBe(error?.$metadata.requestId);
      expect(result.httpStatus).toBe(error?.$metadata.httpStatusCode);
    }
  });
});
