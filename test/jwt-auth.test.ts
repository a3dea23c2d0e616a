// Contract "Callers (AUTH_MODE=jwt)": a missing or invalid bearer token is
// HTTP 401 with WWW-Authenticate: Bearer and nothing executes; a valid token
// without the field's scope gets AccessDeniedError INSUFFICIENT_SCOPE as data.
// Keys come from a JWKS server on loopback that the test starts.
import { UnsecuredJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createJwtVerifier } from "../src/auth/jwt-verifier.js";
import type { JwtConfig } from "../src/config.js";
import { CREATE } from "./support/emulator.js";
import { gql, startGateway, type GraphQLResponse, type TestGateway } from "./support/gateway.js";
import { makeSigningKey, mintToken, startJwksServer, type JwksServer, type SigningKey } from "./support/jwks.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";

const ISSUER = "https://issuer.test/";
const AUDIENCE = "workload-share-gateway";
const READ = "workload-shares:read";
const WRITE = "workload-shares:write";
const WORKLOAD = "0123456789abcdef0123456789abcdef";

const CREATED = { status: 200, body: '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}' };
const LISTED = { status: 200, body: '{"success": true, "data": {"items": [], "next_token": null}}' };

const CREATE_INPUT = { workloadId: WORKLOAD, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "jwt-1" };
const LIST = `query { workloadShares(workloadId: "${WORKLOAD}") { __typename ... on Error { code message } } }`;
const CREATE_THEN_READ = `mutation($input: CreateWorkloadShareInput!) { createWorkloadShare(input: $input) {
  __typename
  ... on CreateWorkloadShareSuccess { share { id workload { shares { __typename ... on Error { code } } } } }
  ... on Error { code message } } }`;

function jwtConfig(jwksUrl: string): JwtConfig {
  return { jwksUrl, secret: null, issuer: ISSUER, audience: AUDIENCE, readScope: READ, writeScope: WRITE };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let jwks: JwksServer;
let upstream: ScriptedUpstream;
let gateway: TestGateway;
let key: SigningKey;
let otherKey: SigningKey;
const logs: string[] = [];

beforeAll(async () => {
  key = await makeSigningKey("key-1");
  otherKey = await makeSigningKey("key-1"); // same kid, different key pair
  jwks = await startJwksServer(key);
  upstream = await startScriptedUpstream();
  gateway = await startGateway(upstream.url, {
    authMode: "jwt",
    jwt: jwtConfig(jwks.url),
    services: { log: (line) => logs.push(line) },
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  await jwks?.close();
});
beforeEach(() => upstream.script(CREATED));

const valid = (claims: Record<string, unknown> = { scope: `${READ} ${WRITE}` }, subject = "user-42") =>
  mintToken(key, { issuer: ISSUER, audience: AUDIENCE, subject, claims });

function expectRefused(response: GraphQLResponse): void {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe("Bearer");
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  expect(upstream.received).toHaveLength(0);
}

describe("a valid bearer token", () => {
  it("runs the mutation and logs the caller's subject", async () => {
    const token = await valid();
    const { status, body } = await gql(gateway.url, CREATE, { input: CREATE_INPUT }, bearer(token));
    expect(status).toBe(200);
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    expect(upstream.received).toHaveLength(1);
    const line = logs.at(-1) ?? "";
    expect(JSON.parse(line)).toMatchObject({ caller: "user-42", resultTypes: ["CreateWorkloadShareSuccess"] });
    expect(line).not.toContain(token);
  });

  it("takes its scopes from an scp array as well", async () => {
    const token = await valid({ scp: [WRITE] });
    const { body } = await gql(gateway.url, CREATE, { input: CREATE_INPUT }, bearer(token));
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
  });

  it("is not sent upstream (only AUTH_MODE=forward forwards Authorization)", async () => {
    await gql(gateway.url, CREATE, { input: CREATE_INPUT }, bearer(await valid()));
    expect(upstream.received[0]?.headers.authorization).toBeUndefined();
  });

  it("keys are cached: many requests, one JWKS fetch", async () => {
    const before = jwks.fetches;
    for (let i = 0; i < 3; i++) await gql(gateway.url, LIST, {}, bearer(await valid()));
    expect(jwks.fetches - before).toBe(0);
  });
});

describe("a missing or invalid bearer token is 401 with WWW-Authenticate: Bearer, and nothing executes", () => {
  it("no Authorization header", async () => {
    expectRefused(await gql(gateway.url, CREATE, { input: CREATE_INPUT }));
  });

  it("a Basic credential", async () => {
    expectRefused(await gql(gateway.url, LIST, {}, { authorization: "Basic dXNlcjpwYXNz" }));
  });

  it("a malformed token", async () => {
    expectRefused(await gql(gateway.url, LIST, {}, { authorization: "Bearer not-a-jwt" }));
  });

  it("an expired token", async () => {
    const token = await mintToken(key, { issuer: ISSUER, audience: AUDIENCE, expiresIn: -120, claims: { scope: READ } });
    const response = await gql(gateway.url, LIST, {}, bearer(token));
    expectRefused(response);
    expect(response.body.errors?.[0]?.message).toMatch(/expired/);
  });

  it("a token without exp", async () => {
    expectRefused(await gql(gateway.url, LIST, {}, bearer(await mintToken(key, { issuer: ISSUER, audience: AUDIENCE, expiresIn: null }))));
  });

  it("the wrong issuer", async () => {
    const token = await mintToken(key, { issuer: "https://evil.test/", audience: AUDIENCE, claims: { scope: READ } });
    expectRefused(await gql(gateway.url, LIST, {}, bearer(token)));
  });

  it("the wrong audience", async () => {
    const token = await mintToken(key, { issuer: ISSUER, audience: "another-api", claims: { scope: READ } });
    expectRefused(await gql(gateway.url, LIST, {}, bearer(token)));
  });

  it("the wrong signature (another key under the same key ID)", async () => {
    const token = await mintToken(otherKey, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: READ } });
    expectRefused(await gql(gateway.url, LIST, {}, bearer(token)));
  });

  it("a tampered payload", async () => {
    const [header, , signature] = (await valid()).split(".");
    const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: 9_999_999_999, scope: WRITE })).toString("base64url");
    expectRefused(await gql(gateway.url, LIST, {}, bearer(`${header}.${forged}.${signature}`)));
  });

  it("an unknown key ID (not the 500 of yoga's JWT plugin)", async () => {
    const stranger = await makeSigningKey("key-unknown");
    const token = await mintToken(stranger, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: READ } });
    expectRefused(await gql(gateway.url, LIST, {}, bearer(token)));
  });

  it('alg "none"', async () => {
    const token = new UnsecuredJWT({ scope: `${READ} ${WRITE}` }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime("5m").encode();
    expectRefused(await gql(gateway.url, LIST, {}, bearer(token)));
  });

  it("HS256 in JWKS mode (no algorithm confusion with the public key)", async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const token = await mintToken({ secret, alg: "HS256" }, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: READ } });
    expectRefused(await gql(gateway.url, LIST, {}, bearer(token)));
  });

  it("one 401 for a whole batch, before anything runs", async () => {
    const batching = await startGateway(upstream.url, { authMode: "jwt", jwt: jwtConfig(jwks.url), batchLimit: 5 });
    try {
      const response = await fetch(batching.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([{ query: LIST }, { query: LIST }]),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(upstream.received).toHaveLength(0);
    } finally {
      await batching.close();
    }
  });
});

describe("a valid token without the field's scope gets AccessDeniedError INSUFFICIENT_SCOPE", () => {
  it("a mutation needs JWT_WRITE_SCOPE", async () => {
    const { status, body } = await gql(gateway.url, CREATE, { input: CREATE_INPUT }, bearer(await valid({ scope: READ })));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.createWorkloadShare).toMatchObject({
      __typename: "AccessDeniedError",
      code: "INSUFFICIENT_SCOPE",
      retryable: false,
    });
    expect(body.data.createWorkloadShare.message).toContain(WRITE);
    expect(upstream.received).toHaveLength(0);
  });

  it("a read needs JWT_READ_SCOPE", async () => {
    upstream.script(LISTED);
    const { body } = await gql(gateway.url, LIST, {}, bearer(await valid({ scope: WRITE })));
    expect(body.data.workloadShares).toMatchObject({ __typename: "AccessDeniedError", code: "INSUFFICIENT_SCOPE" });
    expect(upstream.received).toHaveLength(0);
  });

  it("with the read scope the same read runs", async () => {
    upstream.script(LISTED);
    const { body } = await gql(gateway.url, LIST, {}, bearer(await valid({ scope: READ })));
    expect(body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
  });

  it("a write-only caller cannot read shares through the mutation's result (Workload.shares)", async () => {
    const { body } = await gql(gateway.url, CREATE_THEN_READ, { input: CREATE_INPUT }, bearer(await valid({ scope: WRITE })));
    expect(body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    expect(body.data.createWorkloadShare.share.workload.shares).toEqual({ __typename: "AccessDeniedError", code: "INSUFFICIENT_SCOPE" });
    expect(upstream.received.map((r) => r.method)).toEqual(["POST"]);
  });

  it("a token with no scopes at all", async () => {
    const { body } = await gql(gateway.url, CREATE, { input: CREATE_INPUT }, bearer(await valid({})));
    expect(body.data.createWorkloadShare.code).toBe("INSUFFICIENT_SCOPE");
  });
});

describe("verified tokens are trusted again briefly, never past their exp", () => {
  it("repeats of one token skip the signature check, and it is refused once it expires", async () => {
    const own = await startJwksServer(key);
    try {
      // Keys are never reused from jose's cache here: any real verification must fetch them.
      const verify = createJwtVerifier(jwtConfig(own.url), { verifiedCacheMs: 60_000, cacheMaxAgeMs: 0, cooldownMs: 0 });
      // exp is in whole seconds: 3 s leaves at least 2 s before it for the repeat below (1 s could leave a few ms).
      const token = await mintToken(key, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: READ }, expiresIn: 3 });
      expect((await verify(`Bearer ${token}`)).ok).toBe(true);
      const fetches = own.fetches;
      expect((await verify(`Bearer ${token}`)).ok).toBe(true);
      expect(own.fetches).toBe(fetches);
      // Past its exp (plus jose's 5 s clock tolerance) the token is verified again, and refused.
      await new Promise((r) => setTimeout(r, 9_000));
      expect(await verify(`Bearer ${token}`)).toMatchObject({ ok: false, kind: "expired" });
    } finally {
      await own.close();
    }
  }, 25_000);

  it("a different token is verified on its own, not served from the cache", async () => {
    const verify = createJwtVerifier(jwtConfig(jwks.url));
    const good = await mintToken(key, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: READ } });
    expect((await verify(`Bearer ${good}`)).ok).toBe(true);
    const forged = await mintToken(otherKey, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: READ } });
    expect(await verify(`Bearer ${forged}`)).toMatchObject({ ok: false, kind: "invalid" });
  });
});

describe("key rotation", () => {
  it("a token signed by a newly published key verifies once the JWKS is fetched again", async () => {
    const rotating = await startJwksServer(key);
    const config = jwtConfig(rotating.url);
    const rotated = await startGateway(upstream.url, {
      authMode: "jwt",
      jwt: config,
      services: { verifyToken: createJwtVerifier(config, { cooldownMs: 0 }) },
    });
    try {
      upstream.script(LISTED);
      expect((await gql(rotated.url, LIST, {}, bearer(await valid()))).status).toBe(200);
      const next = await makeSigningKey("key-2");
      rotating.publish(key, next);
      const token = await mintToken(next, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: READ } });
      const { status, body } = await gql(rotated.url, LIST, {}, bearer(token));
      expect(status).toBe(200);
      expect(body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
      expect(rotating.fetches).toBe(2);
      // A retired key stops working once it leaves the set.
      rotating.publish(next);
      const retired = await mintToken(await makeSigningKey("key-3"), { issuer: ISSUER, audience: AUDIENCE });
      expect((await gql(rotated.url, LIST, {}, bearer(retired))).status).toBe(401);
    } finally {
      await rotated.close();
      await rotating.close();
    }
  });

  it("an unreachable JWKS is 503 (the token cannot be judged), and nothing executes", async () => {
    const gone = await startJwksServer(key);
    const url = gone.url;
    await gone.close();
    const unreachable = await startGateway(upstream.url, { authMode: "jwt", jwt: jwtConfig(url) });
    try {
      const response = await gql(unreachable.url, LIST, {}, bearer(await valid()));
      expect(response.status).toBe(503);
      expect(response.body.errors?.[0]?.extensions?.code).toBe("AUTHENTICATION_UNAVAILABLE");
      expect(upstream.received).toHaveLength(0);
    } finally {
      await unreachable.close();
    }
  });
});

describe("a shared secret (development): HS256 only", () => {
  const secret = "a-development-secret-of-32-bytes!!";
  let secretGateway: TestGateway;
  beforeAll(async () => {
    secretGateway = await startGateway(upstream.url, {
      authMode: "jwt",
      jwt: { jwksUrl: null, secret, issuer: ISSUER, audience: AUDIENCE, readScope: READ, writeScope: WRITE },
    });
  });
  afterAll(() => secretGateway?.close());

  it("accepts an HS256 token signed with the secret", async () => {
    upstream.script(LISTED);
    const token = await mintToken({ secret: new TextEncoder().encode(secret), alg: "HS256" }, { issuer: ISSUER, audience: AUDIENCE, claims: { scope: READ } });
    const { status, body } = await gql(secretGateway.url, LIST, {}, bearer(token));
    expect(status).toBe(200);
    expect(body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
  });

  it("refuses an HS256 token signed with another secret", async () => {
    const token = await mintToken({ secret: new TextEncoder().encode("another-secret-another-secret-!!"), alg: "HS256" }, { issuer: ISSUER, audience: AUDIENCE });
    expectRefused(await gql(secretGateway.url, LIST, {}, bearer(token)));
  });

  it("refuses an RS256 token", async () => {
    expectRefused(await gql(secretGateway.url, LIST, {}, bearer(await valid())));
  });
});
