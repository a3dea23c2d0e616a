// Issue 3: against the real service every attempt is SigV4-signed (service
// wellarchitected, Region from the host else AWS_REGION), re-signed on each
// retry, and a refusal from a server whose clock is 4+ minutes off is tried
// once more with the corrected time. Witnesses: the scripted literal upstream
// and the emulator in AWS mode checking signatures.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../src/config.js";
import type { RunningEmulator } from "../src/emulator/server.js";
import { SigV4Signer } from "../src/upstream/signing.js";
import { CREATE, resetEmulator, SEEDED, startTestEmulator, TEST_CREDENTIALS } from "./support/emulator.js";
import { gql, startGateway, type TestGateway } from "./support/gateway.js";
import { DELETE, LIST, UPDATE } from "./support/share-documents.js";
import { startScriptedUpstream, type ReceivedRequest, type ScriptedAnswer, type ScriptedUpstream } from "./support/scripted-upstream.js";
import { parseAuthorization, referenceVerify } from "./support/sigv4-reference.js";

const W = "0123456789abcdef0123456789abcdef";
const CREATED: ScriptedAnswer = { status: 200, body: `{"WorkloadId":"${W}","ShareId":"5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b"}` };
const INTERNAL: ScriptedAnswer = { status: 500, headers: { "x-amzn-errortype": "InternalServerException" }, body: '{"Message":"boom"}' };
const input = { workloadId: W, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "sign-1" };

function amzDateMs(value: unknown): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(value));
  if (!m) throw new Error(`not an x-amz-date: ${String(value)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function configError(env: Record<string, string>): ConfigError {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("when requests are signed, and for which Region", () => {
  it.each([
    ["https://wellarchitected.us-east-1.amazonaws.com", "us-east-1"],
    ["https://wellarchitected-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"],
    ["https://wellarchitected.eu-west-1.api.aws", "eu-west-1"],
    ["https://wellarchitected-fips.ca-central-1.api.aws", "ca-central-1"],
    ["https://wellarchitected.cn-north-1.amazonaws.com.cn", "cn-north-1"],
    ["https://wellarchitected.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"],
    ["https://WellArchitected.AP-SOUTHEAST-2.amazonaws.com", "ap-southeast-2"],
  ])("auto signs for %s with the host's Region %s", (url, region) => {
    expect(readConfig({ UPSTREAM_URL: url, AWS_REGION: "eu-central-1" }).upstreamSigningRegion).toBe(region);
  });

  it.each(["http://127.0.0.1:4010", "https://shares.internal.example.com/api", "https://wellarchitected.example.com"])(
    "auto does not sign for %s",
    (url) => {
      expect(readConfig({ UPSTREAM_URL: url, AWS_REGION: "us-east-1" }).upstreamSigningRegion).toBeNull();
    },
  );

  it("none never signs, not even for an AWS host", () => {
    expect(readConfig({ UPSTREAM_URL: "https://wellarchitected.us-east-1.amazonaws.com", UPSTREAM_AUTH: "none" }).upstreamSigningRegion).toBeNull();
  });

  it("sigv4 signs for any host with AWS_REGION, and the embedded emulator too", () => {
    expect(readConfig({ UPSTREAM_URL: "http://127.0.0.1:4010", UPSTREAM_AUTH: "sigv4", AWS_REGION: "eu-central-1" }).upstreamSigningRegion).toBe("eu-central-1");
    expect(readConfig({ UPSTREAM_AUTH: "sigv4", AWS_REGION: "af-south-1" }).upstreamSigningRegion).toBe("af-south-1");
  });

  it("sigv4 with an AWS host takes the Region from the host", () => {
    const config = readConfig({ UPSTREAM_URL: "https://wellarchitected.us-west-2.amazonaws.com", UPSTREAM_AUTH: "sigv4", AWS_REGION: "eu-west-1" });
    expect(config.upstreamSigningRegion).toBe("us-west-2");
  });

  it("a Region not in AWS's list stops startup, naming the variable", () => {
    const fromHost = configError({ UPSTREAM_URL: "https://wellarchitected.mars-central-1.amazonaws.com" });
    expect(fromHost.variable).toBe("UPSTREAM_URL");
    expect(fromHost.message).toMatch(/names "mars-central-1", which is not an AWS Region/);
    const fromEnv = configError({ UPSTREAM_URL: "http://127.0.0.1:4010", UPSTREAM_AUTH: "sigv4", AWS_REGION: "us-east-9" });
    expect(fromEnv.variable).toBe("AWS_REGION");
    expect(fromEnv.message).toMatch(/"us-east-9" is not an AWS Region/);
  });

  it("a Region under another partition's domain stops startup", () => {
    const error = configError({ UPSTREAM_URL: "https://wellarchitected.cn-north-1.amazonaws.com" });
    expect(error.variable).toBe("UPSTREAM_URL");
    expect(error.message).toMatch(/amazonaws\.com\.cn/);
  });

  it("sigv4 with a host that names no Region needs AWS_REGION", () => {
    expect(configError({ UPSTREAM_URL: "http://127.0.0.1:4010", UPSTREAM_AUTH: "sigv4" }).variable).toBe("AWS_REGION");
  });
});

describe("every attempt is signed (scripted upstream)", () => {
  let upstream: ScriptedUpstream;
  let gateway: TestGateway;
  const signer = new SigV4Signer({ region: "eu-west-1", credentials: TEST_CREDENTIALS });

  beforeAll(async () => {
    upstream = await startScriptedUpstream();
    gateway = await startGateway(upstream.url, { signer, maxAttempts: 3, timeoutMs: 3000 });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("signs for service wellarchitected in the configured Region, over the body's SHA-256", async () => {
    upstream.script(CREATED);
    const { body } = await gql(gateway.url, CREATE, { input });
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    const [request] = upstream.received as [ReceivedRequest];
    const auth = parseAuthorization(request.headers.authorization);
    expect(auth).toMatchObject({ accessKeyId: TEST_CREDENTIALS.accessKeyId, region: "eu-west-1", service: "wellarchitected" });
    expect(request.headers["x-amz-content-sha256"]).toBe(createHash("sha256").update(request.body).digest("hex"));
    expect(Math.abs(amzDateMs(request.headers["x-amz-date"]) - Date.now())).toBeLessThan(60_000);
    expect(referenceVerify(request, TEST_CREDENTIALS.secretAccessKey)).toBe(true);
  });

  it("sends accept: application/json and a user-agent, both unsigned, and no session token for long-term keys", async () => {
    upstream.script(CREATED);
    await gql(gateway.url, CREATE, { input });
    const [request] = upstream.received as [ReceivedRequest];
    expect(request.headers.accept).toBe("application/json");
    expect(request.headers["user-agent"]).toMatch(/^workload-share-gateway\//);
    expect(request.headers["x-amz-security-token"]).toBeUndefined();
    const signed = parseAuthorization(request.headers.authorization).signedHeaders;
    expect(signed).not.toContain("accept");
    expect(signed).not.toContain("user-agent");
  });

  it("re-signs each retry: same invocation ID and body, next attempt number, a fresh x-amz-date", async () => {
    // The first answer takes over a second, so a re-used date would show.
    upstream.script({ ...INTERNAL, delayMs: 1100 }, CREATED);
    const { body } = await gql(gateway.url, CREATE, { input });
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    const [first, second] = upstream.received as [ReceivedRequest, ReceivedRequest];
    expect(upstream.received).toHaveLength(2);
    expect(first.headers["amz-sdk-request"]).toBe("attempt=1; max=3");
    expect(second.headers["amz-sdk-request"]).toBe("attempt=2; max=3");
    expect(second.headers["amz-sdk-invocation-id"]).toBe(first.headers["amz-sdk-invocation-id"]);
    expect(second.body).toBe(first.body);
    expect(amzDateMs(second.headers["x-amz-date"])).toBeGreaterThan(amzDateMs(first.headers["x-amz-date"]));
    for (const request of [first, second]) expect(referenceVerify(request, TEST_CREDENTIALS.secretAccessKey)).toBe(true);
  });

  it("signs the path as sent when UPSTREAM_URL has a path prefix", async () => {
    const prefixed = await startGateway(`${upstream.url}/prefix/api`, { signer });
    try {
      upstream.script({ status: 200, body: `{"WorkloadId":"${W}","WorkloadShareSummaries":[]}` });
      await gql(prefixed.url, LIST, { workloadId: W, after: "a b" });
      const [request] = upstream.received as [ReceivedRequest];
      expect(request.url).toBe(`/prefix/api/workloads/${W}/shares?MaxResults=50&NextToken=a%20b`);
      expect(referenceVerify(request, TEST_CREDENTIALS.secretAccessKey)).toBe(true);
    } finally {
      await prefixed.close();
    }
  });

  it("without a signer nothing of SigV4 is sent (other upstreams see the contract's headers only)", async () => {
    const unsigned = await startGateway(upstream.url);
    try {
      upstream.script(CREATED);
      await gql(unsigned.url, CREATE, { input });
      const [request] = upstream.received as [ReceivedRequest];
      expect(request.headers.authorization).toBeUndefined();
      expect(Object.keys(request.headers).filter((h) => /^(x-amz-|amz-sdk-)/.test(h))).toEqual([]);
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers.accept).toBe("application/json");
    } finally {
      await unsigned.close();
    }
  });

  it("credentials that cannot be loaded: UpstreamError UPSTREAM_CREDENTIALS_UNAVAILABLE and nothing is sent", async () => {
    const broken = new SigV4Signer({
      region: "eu-west-1",
      credentials: () => Promise.reject(new Error("secret-looking detail AKIA...")),
    });
    const noCredentials = await startGateway(upstream.url, { signer: broken });
    try {
      upstream.script(CREATED);
      const { body } = await gql(noCredentials.url, CREATE, { input });
      expect(body.data.createWorkloadShare).toMatchObject({ __typename: "UpstreamError", code: "UPSTREAM_CREDENTIALS_UNAVAILABLE", httpStatus: null });
      expect(JSON.stringify(body)).not.toContain("secret-looking");
      expect(upstream.received).toHaveLength(0);
    } finally {
      await noCredentials.close();
    }
  });
});

describe("clock skew: a refusal from a server 4+ minutes off is retried once with corrected time", () => {
  let upstream: ScriptedUpstream;
  const gateways: TestGateway[] = [];
  const signed = async (maxAttempts = 3) => {
    const g = await startGateway(upstream.url, { signer: new SigV4Signer({ region: "us-east-1", credentials: TEST_CREDENTIALS }), maxAttempts });
    gateways.push(g);
    return g;
  };
  const serverDate = (offsetMs: number) => new Date(Date.now() + offsetMs).toUTCString();
  const expired = (offsetMs: number, extra: Record<string, string> = {}): ScriptedAnswer => ({
    status: 403,
    headers: { "x-amzn-errortype": "InvalidSignatureException", date: serverDate(offsetMs), ...extra },
    body: '{"message":"Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z (20250101T001000Z - 5 min.)"}',
  });

  beforeAll(async () => {
    upstream = await startScriptedUpstream();
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await upstream?.close();
  });

  it("a 403 whose Date is 10 minutes ahead: one more attempt, signed with the server's time, succeeds", async () => {
    const gateway = await signed();
    upstream.script(expired(10 * 60_000), { ...CREATED, headers: { date: serverDate(10 * 60_000) } });
    const { body } = await gql(gateway.url, CREATE, { input });
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    const [first, second] = upstream.received as [ReceivedRequest, ReceivedRequest];
    expect(upstream.received).toHaveLength(2);
    const gap = amzDateMs(second.headers["x-amz-date"]) - amzDateMs(first.headers["x-amz-date"]);
    expect(gap).toBeGreaterThan(9 * 60_000);
    expect(gap).toBeLessThan(11 * 60_000);
    expect(second.headers["amz-sdk-invocation-id"]).toBe(first.headers["amz-sdk-invocation-id"]);

    // The corrected clock stays: the next call is signed with it from the start.
    upstream.script({ ...CREATED, headers: { date: serverDate(10 * 60_000) } });
    await gql(gateway.url, CREATE, { input });
    expect(upstream.received).toHaveLength(1);
    expect(amzDateMs(upstream.received[0]?.headers["x-amz-date"]) - Date.now()).toBeGreaterThan(9 * 60_000);
  });

  it("a 403 whose Date is 4 minutes behind counts too", async () => {
    const gateway = await signed();
    upstream.script(expired(-(4 * 60_000 + 5_000)), CREATED);
    const { body } = await gql(gateway.url, CREATE, { input });
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    expect(upstream.received).toHaveLength(2);
  });

  it("a 403 from a server with the right time is not retried", async () => {
    const gateway = await signed();
    upstream.script(expired(0), CREATED);
    const { body } = await gql(gateway.url, CREATE, { input });
    expect(body.data.createWorkloadShare).toMatchObject({ __typename: "AccessDeniedError", code: "InvalidSignatureException", retryable: false });
    expect(upstream.received).toHaveLength(1);
  });

  it("a 403 only 3 minutes off is not retried", async () => {
    const gateway = await signed();
    upstream.script(expired(3 * 60_000), CREATED);
    await gql(gateway.url, CREATE, { input });
    expect(upstream.received).toHaveLength(1);
  });

  it("only once per call, even when the second answer is skewed the other way", async () => {
    const gateway = await signed();
    upstream.script(expired(10 * 60_000), expired(-10 * 60_000), CREATED);
    const { body } = await gql(gateway.url, CREATE, { input });
    expect(body.data.createWorkloadShare).toMatchObject({ __typename: "AccessDeniedError", code: "InvalidSignatureException" });
    expect(upstream.received).toHaveLength(2);
  });

  it("a cached answer (with an Age header) says nothing about the server's clock", async () => {
    const gateway = await signed();
    upstream.script(expired(10 * 60_000, { age: "700" }), CREATED);
    await gql(gateway.url, CREATE, { input });
    expect(upstream.received).toHaveLength(1);
  });

  it("the retry is one of UPSTREAM_MAX_ATTEMPTS, as in the SDK: with 1 attempt it is not made", async () => {
    const gateway = await signed(1);
    upstream.script(expired(10 * 60_000), CREATED);
    const { body } = await gql(gateway.url, CREATE, { input });
    expect(body.data.createWorkloadShare.__typename).toBe("AccessDeniedError");
    expect(upstream.received).toHaveLength(1);
    // ...but the clock is corrected for the next call.
    upstream.script(CREATED);
    await gql(gateway.url, CREATE, { input });
    expect(amzDateMs(upstream.received[0]?.headers["x-amz-date"]) - Date.now()).toBeGreaterThan(9 * 60_000);
  });
});

describe("through the emulator in AWS mode, which checks signatures", () => {
  let emulator: RunningEmulator;
  const gateways: TestGateway[] = [];
  const gatewayWith = async (credentials: { accessKeyId: string; secretAccessKey: string } | null, upstreamUrl = emulator.url) => {
    const signer = credentials === null ? undefined : new SigV4Signer({ region: "us-east-1", credentials });
    const g = await startGateway(upstreamUrl, { signer });
    gateways.push(g);
    return g;
  };

  beforeAll(async () => {
    emulator = await startTestEmulator("aws", { credentials: TEST_CREDENTIALS });
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await emulator?.close();
  });
  beforeEach(() => resetEmulator(emulator.url));

  it("every operation works with the right credentials", async () => {
    const gateway = await gatewayWith(TEST_CREDENTIALS);
    const created = (await gql(gateway.url, CREATE, { input: { ...input, clientRequestToken: "e2e-1" } })).body.data.createWorkloadShare;
    expect(created.__typename).toBe("CreateWorkloadShareSuccess");
    const replay = (await gql(gateway.url, CREATE, { input: { ...input, clientRequestToken: "e2e-1" } })).body.data.createWorkloadShare;
    expect(replay.share.id).toBe(created.share.id);
    const list = (await gql(gateway.url, LIST, { workloadId: W, first: 1 })).body.data.workloadShares;
    expect(list).toMatchObject({ __typename: "WorkloadShareConnection", edges: [{ node: { id: created.share.id } }] });
    const updated = (await gql(gateway.url, UPDATE, { input: { workloadId: W, shareId: created.share.id, permissionType: "CONTRIBUTOR" } })).body.data
      .updateWorkloadShare;
    expect(updated).toMatchObject({ __typename: "UpdateWorkloadShareSuccess", share: { permissionType: "CONTRIBUTOR" } });
    const deleted = (await gql(gateway.url, DELETE, { input: { workloadId: W, shareId: created.share.id, clientRequestToken: "e2e-del" } })).body.data
      .deleteWorkloadShare;
    expect(deleted).toMatchObject({ __typename: "DeleteWorkloadShareSuccess", deletedShareId: created.share.id });
    for (const request of emulator.requests) expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it("with a wrong secret every mutation (and the read) is AccessDeniedError, and nothing changes", async () => {
    const gateway = await gatewayWith({ ...TEST_CREDENTIALS, secretAccessKey: "wrong-secret" });
    const share = "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b";
    const results = [
      (await gql(gateway.url, CREATE, { input })).body.data.createWorkloadShare,
      (await gql(gateway.url, UPDATE, { input: { workloadId: SEEDED.dataLake, shareId: share, permissionType: "CONTRIBUTOR" } })).body.data.updateWorkloadShare,
      (await gql(gateway.url, DELETE, { input: { workloadId: SEEDED.dataLake, shareId: share, clientRequestToken: "d" } })).body.data.deleteWorkloadShare,
      (await gql(gateway.url, LIST, { workloadId: SEEDED.dataLake })).body.data.workloadShares,
    ];
    for (const result of results) {
      expect(result).toMatchObject({ __typename: "AccessDeniedError", code: "InvalidSignatureException", retryable: false });
      expect(result.message).toMatch(/^The request signature we calculated does not match/);
    }
    expect(emulator.store.workloads.get(W)?.shares).toHaveLength(0);
    expect(emulator.store.workloads.get(SEEDED.dataLake)?.shares.map((s) => s.permissionType)).toEqual(["READONLY", "CONTRIBUTOR"]);
  });

  it("an unknown access key is AccessDeniedError UnrecognizedClientException", async () => {
    const gateway = await gatewayWith({ accessKeyId: "AKIAUNKNOWNEXAMPLE00", secretAccessKey: "x" });
    const result = (await gql(gateway.url, CREATE, { input })).body.data.createWorkloadShare;
    expect(result).toMatchObject({ __typename: "AccessDeniedError", code: "UnrecognizedClientException" });
  });

  it("an unsigned gateway is AccessDeniedError MissingAuthenticationTokenException", async () => {
    const gateway = await gatewayWith(null);
    const result = (await gql(gateway.url, CREATE, { input })).body.data.createWorkloadShare;
    expect(result).toMatchObject({ __typename: "AccessDeniedError", code: "MissingAuthenticationTokenException", message: "Missing Authentication Token" });
  });

  it("an emulator whose clock is 10 minutes ahead: the gateway corrects its clock and succeeds", async () => {
    const skewed = await startTestEmulator("aws", { credentials: TEST_CREDENTIALS, clockOffsetMs: 10 * 60_000 });
    try {
      const gateway = await gatewayWith(TEST_CREDENTIALS, skewed.url);
      const result = (await gql(gateway.url, CREATE, { input })).body.data.createWorkloadShare;
      expect(result.__typename).toBe("CreateWorkloadShareSuccess");
      expect(skewed.requests).toHaveLength(2);
    } finally {
      await skewed.close();
    }
  });
});
