// Issue 3: the emulator in AWS mode with EMULATOR_ACCESS_KEY_ID /
// EMULATOR_SECRET_ACCESS_KEY refuses a missing or wrong signature as the real
// service does: HTTP 403, the error type in x-amzn-errortype, {"message"}.
// Raw HTTP here, so each refusal is seen exactly as a client would see it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { SigV4Signer } from "../src/upstream/signing.js";
import { SEEDED, startTestEmulator, TEST_CREDENTIALS } from "./support/emulator.js";

let emulator: RunningEmulator;
let open: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator("aws", { credentials: TEST_CREDENTIALS });
  open = await startTestEmulator("aws");
});
afterAll(async () => {
  await emulator?.close();
  await open?.close();
});

interface Signed {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  date?: Date;
}

/** A request signed exactly as the gateway signs it. */
async function signedHeaders(base: string, request: Signed): Promise<Record<string, string>> {
  const url = new URL(base);
  const headers: Record<string, string> = { host: url.host };
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(request.body));
  }
  const signer = new SigV4Signer({ region: request.region ?? "us-east-1", credentials: request.credentials ?? TEST_CREDENTIALS });
  return signer.sign(
    { method: request.method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: request.path, query: request.query ?? {}, headers, body: request.body },
    request.date ?? new Date(),
  );
}

function queryString(query: Record<string, string> = {}): string {
  const entries = Object.entries(query);
  return entries.length === 0 ? "" : "?" + entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

async function send(base: string, request: { method: string; path: string; query?: Record<string, string>; body?: string }, headers: Record<string, string>) {
  const response = await fetch(base + request.path + queryString(request.query), { method: request.method, headers, body: request.body });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get("x-amzn-errortype"),
    requestId: response.headers.get("x-amzn-requestid"),
    date: response.headers.get("date"),
    json: text === "" ? null : JSON.parse(text),
  };
}

const LIST = { method: "GET", path: `/workloads/${SEEDED.dataLake}/shares`, query: { MaxResults: "50" } };
const CREATE_BODY = JSON.stringify({ SharedWith: "123456789012", PermissionType: "READONLY", ClientRequestToken: "raw-1" });
const CREATE = { method: "POST", path: `/workloads/${SEEDED.roomy}/shares`, body: CREATE_BODY };

describe("accepted", () => {
  it("a correctly signed read and write", async () => {
    expect((await send(emulator.url, LIST, await signedHeaders(emulator.url, LIST))).status).toBe(200);
    expect((await send(emulator.url, CREATE, await signedHeaders(emulator.url, CREATE))).status).toBe(200);
  });

  it("any AWS Region in the credential scope", async () => {
    const signed = await signedHeaders(emulator.url, { ...LIST, region: "cn-northwest-1" });
    expect((await send(emulator.url, LIST, signed)).status).toBe(200);
  });

  it("no signature at all when no credentials are configured", async () => {
    expect((await send(open.url, LIST, {})).status).toBe(200);
    expect(open.checksSignatures).toBe(false);
  });

  it("the test controls (/__emulator/*) without a signature", async () => {
    const response = await fetch(`${emulator.url}/__emulator/requests`);
    expect(response.status).toBe(200);
  });
});

describe("refused with 403 and the service's error type", () => {
  it("no Authorization header: MissingAuthenticationTokenException", async () => {
    const answer = await send(emulator.url, LIST, {});
    expect(answer).toMatchObject({ status: 403, type: "MissingAuthenticationTokenException", json: { message: "Missing Authentication Token" } });
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an Authorization header that is not SigV4: IncompleteSignatureException", async () => {
    const answer = await send(emulator.url, LIST, { authorization: "Bearer abc" });
    expect(answer).toMatchObject({ status: 403, type: "IncompleteSignatureException" });
  });

  it("a SigV4 header missing its Signature: IncompleteSignatureException naming the parameter", async () => {
    const headers = await signedHeaders(emulator.url, LIST);
    headers.authorization = (headers.authorization as string).replace(/, Signature=[0-9a-f]+$/, "");
    const answer = await send(emulator.url, LIST, headers);
    expect(answer).toMatchObject({ status: 403, type: "IncompleteSignatureException", json: { message: "Authorization header requires 'Signature' parameter." } });
  });

  it("no x-amz-date: IncompleteSignatureException", async () => {
    const headers = await signedHeaders(emulator.url, LIST);
    delete headers["x-amz-date"];
    expect(await send(emulator.url, LIST, headers)).toMatchObject({ status: 403, type: "IncompleteSignatureException" });
  });

  it("a wrong secret: InvalidSignatureException, 'does not match'", async () => {
    const other = { ...CREATE, body: CREATE_BODY.replace("123456789012", "999988887777").replace("raw-1", "raw-2") };
    const headers = await signedHeaders(emulator.url, { ...other, credentials: { ...TEST_CREDENTIALS, secretAccessKey: "nope" } });
    const answer = await send(emulator.url, other, headers);
    expect(answer).toMatchObject({ status: 403, type: "InvalidSignatureException" });
    expect(answer.json.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    expect(emulator.store.workloads.get(SEEDED.roomy)?.shares.some((s) => s.sharedWith === "999988887777")).toBe(false);
  });

  it("a body changed after signing: InvalidSignatureException", async () => {
    const headers = await signedHeaders(emulator.url, CREATE);
    // Same length, so only the bytes differ.
    const tampered = { ...CREATE, body: CREATE_BODY.replace("123456789012", "210987654321") };
    expect(await send(emulator.url, tampered, headers)).toMatchObject({ status: 403, type: "InvalidSignatureException" });
  });

  it("an x-amz-content-sha256 that is not the body's (even re-signed): InvalidSignatureException", async () => {
    const url = new URL(emulator.url);
    const signer = new SigV4Signer({ region: "us-east-1", credentials: TEST_CREDENTIALS });
    const headers = await signer.sign(
      {
        method: "POST",
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: CREATE.path,
        query: {},
        headers: {
          host: url.host,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(CREATE_BODY)),
          "x-amz-content-sha256": "0".repeat(64),
        },
        body: CREATE_BODY,
      },
      new Date(),
    );
    expect(await send(emulator.url, CREATE, headers)).toMatchObject({ status: 403, type: "InvalidSignatureException" });
  });

  it("a query changed after signing: InvalidSignatureException", async () => {
    const headers = await signedHeaders(emulator.url, LIST);
    expect(await send(emulator.url, { ...LIST, query: { MaxResults: "49" } }, headers)).toMatchObject({ status: 403, type: "InvalidSignatureException" });
  });

  it("an unknown access key: UnrecognizedClientException", async () => {
    const headers = await signedHeaders(emulator.url, { ...LIST, credentials: { accessKeyId: "AKIAUNKNOWNEXAMPLE00", secretAccessKey: TEST_CREDENTIALS.secretAccessKey } });
    expect(await send(emulator.url, LIST, headers)).toMatchObject({
      status: 403,
      type: "UnrecognizedClientException",
      json: { message: "The security token included in the request is invalid." },
    });
  });

  it("a session token the emulator did not issue: UnrecognizedClientException", async () => {
    const headers = await signedHeaders(emulator.url, { ...LIST, credentials: { ...TEST_CREDENTIALS, sessionToken: "forged" } });
    expect(await send(emulator.url, LIST, headers)).toMatchObject({ status: 403, type: "UnrecognizedClientException" });
  });

  it("a signature for another service: InvalidSignatureException naming wellarchitected", async () => {
    const headers = await signedHeaders(emulator.url, LIST);
    headers.authorization = (headers.authorization as string).replace("/wellarchitected/", "/s3/");
    const answer = await send(emulator.url, LIST, headers);
    expect(answer).toMatchObject({ status: 403, type: "InvalidSignatureException" });
    expect(answer.json.message).toMatch(/correct service: 'wellarchitected'/);
  });

  it("a credential scope dated another day than x-amz-date: InvalidSignatureException", async () => {
    const headers = await signedHeaders(emulator.url, LIST);
    headers.authorization = (headers.authorization as string).replace(/Credential=([^/]+)\/\d{8}\//, "Credential=$1/20200101/");
    const answer = await send(emulator.url, LIST, headers);
    expect(answer).toMatchObject({ status: 403, type: "InvalidSignatureException" });
    expect(answer.json.message).toMatch(/^Date in Credential scope does not match/);
  });

  it("signed 6 minutes ago: InvalidSignatureException 'Signature expired', with the server's Date", async () => {
    const headers = await signedHeaders(emulator.url, { ...LIST, date: new Date(Date.now() - 6 * 60_000) });
    const answer = await send(emulator.url, LIST, headers);
    expect(answer).toMatchObject({ status: 403, type: "InvalidSignatureException" });
    expect(answer.json.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    expect(Math.abs(Date.parse(String(answer.date)) - Date.now())).toBeLessThan(60_000);
  });

  it("signed 6 minutes ahead: InvalidSignatureException 'Signature not yet current'", async () => {
    const headers = await signedHeaders(emulator.url, { ...LIST, date: new Date(Date.now() + 6 * 60_000) });
    const answer = await send(emulator.url, LIST, headers);
    expect(answer.json.message).toMatch(/^Signature not yet current: /);
  });

  it("signed 4 minutes ago is still inside the window", async () => {
    const headers = await signedHeaders(emulator.url, { ...LIST, date: new Date(Date.now() - 4 * 60_000) });
    expect((await send(emulator.url, LIST, headers)).status).toBe(200);
  });

  it("a refusal comes before any queued fault, which stays queued", async () => {
    await fetch(`${emulator.url}/__emulator/faults`, { method: "POST", body: JSON.stringify({ kind: "throttle" }) });
    expect((await send(emulator.url, LIST, {})).status).toBe(403);
    expect((await send(emulator.url, LIST, await signedHeaders(emulator.url, LIST))).status).toBe(429);
  });
});
