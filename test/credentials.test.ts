// Issue 3: credentials come from the standard Node.js chain (environment,
// AWS_PROFILE and the shared files, ..., container metadata), are cached and
// renewed before they expire, are resolved at startup (a missing setup stops
// the gateway with one line) and never appear in its output.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { verifySignature } from "../src/emulator/sigv4-verify.js";
import { createStartupSigner } from "../src/upstream/credentials.js";
import type { RequestSigner } from "../src/upstream/signing.js";
import { CREATE, resetEmulator, SEEDED, startTestEmulator, TEST_CREDENTIALS } from "./support/emulator.js";
import { gql, startGateway, type TestGateway } from "./support/gateway.js";
import { startScriptedUpstream, type ReceivedRequest, type ScriptedUpstream } from "./support/scripted-upstream.js";
import { parseAuthorization, referenceVerify } from "./support/sigv4-reference.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "gateway-credentials-"));
let fileCounter = 0;
const scratchFile = (name: string) => join(scratch, `${++fileCounter}-${name}`);

/** Every variable the chain reads, cleared, so nothing of this machine leaks in; then the test's own. */
function awsEnvironment(vars: Record<string, string> = {}): void {
  for (const name of [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", scratchFile("no-credentials"));
  vi.stubEnv("AWS_CONFIG_FILE", scratchFile("no-config"));
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
}

async function signerFromChain(region = "us-east-1"): Promise<RequestSigner> {
  const startup = await createStartupSigner(region);
  if (!startup.ok) throw new Error(startup.message);
  return startup.signer;
}

const input = (token: string) => ({ workloadId: SEEDED.roomy, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: token });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("credentials from the chain sign requests the emulator accepts", () => {
  let emulator: RunningEmulator;
  const gateways: TestGateway[] = [];
  const gatewayWith = async (signer: RequestSigner) => {
    const g = await startGateway(emulator.url, { signer });
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

  it("from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", async () => {
    awsEnvironment({ AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey });
    const gateway = await gatewayWith(await signerFromChain());
    const { body } = await gql(gateway.url, CREATE, { input: input("env-1") });
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
  });

  it("from a profile in a shared credentials file (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE)", async () => {
    const file = scratchFile("credentials");
    writeFileSync(
      file,
      [
        "[default]",
        "aws_access_key_id = AKIADEFAULTEXAMPLE00",
        "aws_secret_access_key = not-this-one",
        "",
        "[gateway-test]",
        `aws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}`,
        `aws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}`,
        "",
        "[gateway-wrong]",
        `aws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}`,
        "aws_secret_access_key = a-wrong-secret",
        "",
      ].join("\n"),
    );
    awsEnvironment({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: "gateway-test" });
    const gateway = await gatewayWith(await signerFromChain());
    expect((await gql(gateway.url, CREATE, { input: input("profile-1") })).body.data.createWorkloadShare.__typename).toBe(
      "CreateWorkloadShareSuccess",
    );

    // The profile decides: another one with the wrong secret is refused.
    awsEnvironment({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: "gateway-wrong" });
    const wrong = await gatewayWith(await signerFromChain());
    expect((await gql(wrong.url, CREATE, { input: input("profile-2") })).body.data.createWorkloadShare).toMatchObject({
      __typename: "AccessDeniedError",
      code: "InvalidSignatureException",
    });
  });

  it("from a profile in the shared config file", async () => {
    const config = scratchFile("config");
    writeFileSync(
      config,
      ["[profile gateway-config]", `aws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}`, `aws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}`, ""].join("\n"),
    );
    awsEnvironment({ AWS_CONFIG_FILE: config, AWS_PROFILE: "gateway-config" });
    const gateway = await gatewayWith(await signerFromChain());
    expect((await gql(gateway.url, CREATE, { input: input("config-1") })).body.data.createWorkloadShare.__typename).toBe(
      "CreateWorkloadShareSuccess",
    );
  });

  it("none found: the startup check fails with a reason, before any request", async () => {
    awsEnvironment();
    const startup = await createStartupSigner("us-east-1");
    expect(startup.ok).toBe(false);
    if (!startup.ok) expect(startup.message).toMatch(/^AWS credentials: none found/);
  });
});

describe("temporary credentials from container metadata are cached and renewed", () => {
  let upstream: ScriptedUpstream;
  let metadata: Server;
  let issued: { accessKeyId: string; secretAccessKey: string; sessionToken: string }[] = [];
  let lifetimeMs = 3_600_000;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    upstream = await startScriptedUpstream();
    // A loopback stand-in for the ECS/EKS credentials endpoint.
    metadata = createServer((_req, res) => {
      const n = issued.length + 1;
      const credentials = { accessKeyId: `ASIACONTAINER${String(n).padStart(7, "0")}`, secretAccessKey: `container-secret-${n}`, sessionToken: `container-token-${n}` };
      issued.push(credentials);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          Token: credentials.sessionToken,
          Expiration: new Date(Date.now() + lifetimeMs).toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => metadata.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await upstream?.close();
    await new Promise<void>((resolve) => metadata.close(() => resolve()));
  });
  beforeEach(() => {
    issued = [];
    awsEnvironment({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${(metadata.address() as AddressInfo).port}/v2/credentials` });
  });

  const send = async (gateway: TestGateway): Promise<ReceivedRequest> => {
    upstream.script({ status: 200, body: `{"WorkloadId":"${SEEDED.roomy}","ShareId":"5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b"}` });
    await gql(gateway.url, CREATE, { input: input("container") });
    return upstream.received[0] as ReceivedRequest;
  };
  const gatewayFromChain = async () => {
    const g = await startGateway(upstream.url, { signer: await signerFromChain() });
    gateways.push(g);
    return g;
  };
  /** The issued credentials a request was signed with; its signature must verify with them. */
  const signedWith = async (request: ReceivedRequest) => {
    const credentials = issued.find((c) => c.accessKeyId === parseAuthorization(request.headers.authorization).accessKeyId);
    expect(credentials).toBeDefined();
    expect(request.headers["x-amz-security-token"]).toBe(credentials?.sessionToken);
    expect(referenceVerify(request, credentials?.secretAccessKey ?? "")).toBe(true);
    expect(await verifySignature(request, { credentials: credentials as NonNullable<typeof credentials> })).toEqual({ ok: true });
    return credentials;
  };

  it("long-lived credentials are fetched once and reused", async () => {
    lifetimeMs = 3_600_000;
    const gateway = await gatewayFromChain();
    const used = [await signedWith(await send(gateway)), await signedWith(await send(gateway)), await signedWith(await send(gateway))];
    expect(issued).toHaveLength(1);
    expect(new Set(used.map((c) => c?.accessKeyId))).toEqual(new Set([issued[0]?.accessKeyId]));
  });

  it("expired credentials are replaced: a request after expiry is signed with new ones", async () => {
    lifetimeMs = 1_000;
    const gateway = await gatewayFromChain();
    const before = await signedWith(await send(gateway));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = await signedWith(await send(gateway));
    expect(after?.accessKeyId).not.toBe(before?.accessKeyId);
    // Nothing used was expired when it was issued for this request.
    expect(issued.indexOf(after as NonNullable<typeof after>)).toBeGreaterThan(0);
  });

  it("credentials within 5 minutes of expiry are renewed before they expire", async () => {
    lifetimeMs = 4 * 60_000;
    const gateway = await gatewayFromChain();
    const first = await signedWith(await send(gateway));
    // The renewal runs in the background; the next requests use the new credentials while the old are still valid.
    await expect
      .poll(async () => (await signedWith(await send(gateway)))?.accessKeyId, { timeout: 5_000 })
      .not.toBe(first?.accessKeyId);
  });
});

describe("startup (the real process)", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });

  function start(script: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
    let output = "";
    const home = mkdtempSync(join(tmpdir(), "gateway-home-"));
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: home, AWS_EC2_METADATA_DISABLED: "true", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    children.push(child);
    return { child, output: () => output };
  }
  const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  it.each([
    [{ UPSTREAM_URL: "https://wellarchitected.us-east-1.amazonaws.com" }, /^config: AWS credentials: none found/],
    [{ UPSTREAM_AUTH: "sigv4", AWS_REGION: "us-east-1" }, /^config: AWS credentials: none found/],
    [{ UPSTREAM_URL: "https://wellarchitected.mars-central-1.amazonaws.com" }, /^config: UPSTREAM_URL: names "mars-central-1", which is not an AWS Region/],
    [{ UPSTREAM_URL: "http://127.0.0.1:9", UPSTREAM_AUTH: "sigv4" }, /^config: AWS_REGION: /],
    [{ UPSTREAM_URL: "http://127.0.0.1:9", UPSTREAM_AUTH: "sigv4", AWS_REGION: "moon-1" }, /^config: AWS_REGION: "moon-1" is not an AWS Region/],
    [{ EMULATOR_FORMAT: "aws", EMULATOR_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE" }, /^config: EMULATOR_SECRET_ACCESS_KEY: /],
    [{ EMULATOR_ACCESS_KEY_ID: "a", EMULATOR_SECRET_ACCESS_KEY: "b" }, /^config: EMULATOR_ACCESS_KEY_ID: .*EMULATOR_FORMAT=aws/],
    [{ EMULATOR_FORMAT: "aws", EMULATOR_ACCESS_KEY_ID: "a", EMULATOR_SECRET_ACCESS_KEY: "b" }, /^config: EMULATOR_ACCESS_KEY_ID: .*UPSTREAM_AUTH=sigv4/],
  ])("%o stops startup with one line, exit 1", async (env, line) => {
    const { child, output } = start("src/main.ts", env);
    expect(await exitOf(child)).toBe(1);
    const lines = output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(output()).not.toMatch(/\n\s+at /);
  });

  it("signs against the embedded emulator in AWS mode and never prints the credentials", async () => {
    const { child, output } = start("src/main.ts", {
      EMULATOR_FORMAT: "aws",
      EMULATOR_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      EMULATOR_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      UPSTREAM_AUTH: "sigv4",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: "",
    });
    // The URL line is the last startup line, written after listen(): wait for it, not for an earlier one.
    await expect.poll(output, { timeout: 20_000 }).toMatch(/gateway: http:\/\/localhost:\d+\/graphql/);
    expect(output()).toMatch(/gateway: signing upstream requests with SigV4 \(service wellarchitected, region eu-west-1\)/);
    expect(output()).toMatch(/emulator: http:\/\/127\.0\.0\.1:\d+ \(aws format, SigV4 signatures checked\)/);
    const port = /gateway: http:\/\/localhost:(\d+)\/graphql/.exec(output())?.[1];
    const { body } = await gql(`http://127.0.0.1:${port}/graphql`, CREATE, { input: input("spawned-1") });
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
    expect(output()).not.toContain(TEST_CREDENTIALS.secretAccessKey);
    expect(output()).not.toContain(TEST_CREDENTIALS.accessKeyId);
  });

  it("npm run emulator checks signatures with EMULATOR_ACCESS_KEY_ID and EMULATOR_SECRET_ACCESS_KEY", async () => {
    const { child, output } = start("src/emulator/main.ts", {
      EMULATOR_PORT: "0",
      EMULATOR_FORMAT: "aws",
      EMULATOR_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      EMULATOR_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    });
    await expect.poll(output, { timeout: 20_000 }).toMatch(/emulator: (http:\/\/127\.0\.0\.1:\d+) \(aws format, SigV4 signatures checked\)/);
    const url = /emulator: (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    const unsigned = await fetch(`${url}/workloads/${SEEDED.roomy}/shares`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    expect(await unsigned.json()).toEqual({ message: "Missing Authentication Token" });
    child.kill("SIGTERM");
    await exitOf(child);
    expect(output()).not.toContain(TEST_CREDENTIALS.secretAccessKey);
  });
});
