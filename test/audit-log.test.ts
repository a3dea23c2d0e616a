// Contract "... and the audit trail": one JSON audit line per mutation field
// ("msg": "audit") with exactly the contract's fields, for every outcome (an
// allowed call, a policy denial, a scope refusal, invalid input, an upstream
// failure), with or without a policy; reads are not audited; never a token.
// The real gateway with real signed tokens; AUDIT_LOG on the real process.
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SharePolicyFiles } from "../src/config.js";
import { injectFault, SEEDED } from "./support/emulator.js";
import { gql, startGateway } from "./support/gateway.js";
import { runGatewayProcessToExit, startGatewayProcess, type GatewayProcess } from "./support/process.js";
import {
  AUDIENCE,
  auditLines,
  callerHeader,
  exampleFiles,
  ISSUER,
  jwtConfig,
  READ,
  SHARE_FIELDS,
  shareClient,
  usePolicyTestBed,
} from "./support/share-policy.js";

const PAYMENTS = SEEDED.roomy; // team "payments" in the examples
const DATA_LAKE = SEEDED.dataLake; // team "analytics"
const DATA_LAKE_SHARE = "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b";
const CLIENT_TOKEN = "client-token-never-in-audit-3b7e";

const bed = usePolicyTestBed("audit-key");

async function auditedGateway(sharePolicy: SharePolicyFiles | null): Promise<{ url: string; lines: () => Record<string, unknown>[] }> {
  const written: string[] = [];
  const gateway = await startGateway(bed.emulator.url, {
    authMode: "jwt",
    jwt: jwtConfig(bed.jwks.url),
    sharePolicy,
    services: { audit: (line) => written.push(line) },
    maxAttempts: 2,
  });
  bed.open.push(gateway);
  return { url: gateway.url, lines: () => auditLines(written) };
}

const CREATE_KEYS = ["time", "msg", "requestId", "caller", "action", "workloadId", "sharedWith", "permissionType", "shareId", "decision", "policyIds", "result"];

describe("one audit line per mutation field, with exactly the contract's fields", () => {
  let gw: Awaited<ReturnType<typeof auditedGateway>>;
  beforeAll(async () => {
    gw = await auditedGateway(exampleFiles("auditors-read-only"));
  });

  it("createWorkloadShare allowed: the created share, the deciding policy, the result type, no code", async () => {
    const headers = await callerHeader(bed.key, "alice", { groups: ["payments"] });
    const response = await gql(
      gw.url,
      SHARE_FIELDS.create,
      { input: { workloadId: PAYMENTS, sharedWith: "111122223333", permissionType: "READONLY", clientRequestToken: CLIENT_TOKEN } },
      headers,
    );
    const shareId = response.body.data.createWorkloadShare.share.id as string;
    const [line, ...more] = gw.lines();
    expect(more).toEqual([]);
    expect(Object.keys(line!).sort()).toEqual([...CREATE_KEYS].sort());
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msg: "audit",
      requestId: response.headers.get("x-request-id"),
      caller: "alice",
      action: "CreateWorkloadShare",
      workloadId: PAYMENTS,
      sharedWith: "111122223333",
      permissionType: "READONLY",
      shareId,
      decision: "allow",
      policyIds: ["own-team-workloads"],
      result: "CreateWorkloadShareSuccess",
    });
  });

  it("updateWorkloadShare and deleteWorkloadShare: the named share; no sharedWith (and no permissionType on delete)", async () => {
    const bob = shareClient(gw.url, await callerHeader(bed.key, "bob", { groups: ["analytics"] }));
    await bob.update({ workloadId: DATA_LAKE, shareId: DATA_LAKE_SHARE, permissionType: "CONTRIBUTOR" });
    await bob.delete({ workloadId: DATA_LAKE, shareId: DATA_LAKE_SHARE, clientRequestToken: CLIENT_TOKEN });
    const [update, del] = gw.lines().slice(-2);
    expect(update).toEqual({
      time: expect.any(String),
      msg: "audit",
      requestId: expect.any(String),
      caller: "bob",
      action: "UpdateWorkloadShare",
      workloadId: DATA_LAKE,
      permissionType: "CONTRIBUTOR",
      shareId: DATA_LAKE_SHARE,
      decision: "allow",
      policyIds: ["own-team-workloads"],
      result: "UpdateWorkloadShareSuccess",
    });
    expect(del).toEqual({
      time: expect.any(String),
      msg: "audit",
      requestId: expect.any(String),
      caller: "bob",
      action: "DeleteWorkloadShare",
      workloadId: DATA_LAKE,
      shareId: DATA_LAKE_SHARE,
      decision: "allow",
      policyIds: ["own-team-workloads"],
      result: "DeleteWorkloadShareSuccess",
    });
  });

  it("a policy denial: decision deny, the forbid that decided, AccessDeniedError POLICY_DENIED", async () => {
    const audrey = shareClient(gw.url, await callerHeader(bed.key, "audrey", { groups: ["auditors", "payments"] }));
    await audrey.create({ workloadId: PAYMENTS, sharedWith: "111122223333" });
    expect(gw.lines().at(-1)).toMatchObject({
      caller: "audrey",
      action: "CreateWorkloadShare",
      decision: "deny",
      policyIds: ["auditors-never-change-shares"],
      result: "AccessDeniedError",
      code: "POLICY_DENIED",
    });
    expect(gw.lines().at(-1)).not.toHaveProperty("shareId");
  });

  it("a default deny (no policy applies): policyIds is empty", async () => {
    const bob = shareClient(gw.url, await callerHeader(bed.key, "bob", { groups: ["analytics"] }));
    await bob.delete({ workloadId: PAYMENTS, shareId: "abc123" });
    expect(gw.lines().at(-1)).toMatchObject({ decision: "deny", policyIds: [], result: "AccessDeniedError", code: "POLICY_DENIED", shareId: "abc123" });
  });

  it("a scope refusal: decision deny, code INSUFFICIENT_SCOPE, no policy consulted", async () => {
    const reader = shareClient(gw.url, await callerHeader(bed.key, "rita", { scopes: [READ], groups: ["payments"] }));
    await reader.update({ workloadId: PAYMENTS, shareId: "abc123", permissionType: "READONLY" });
    expect(gw.lines().at(-1)).toEqual({
      time: expect.any(String),
      msg: "audit",
      requestId: expect.any(String),
      caller: "rita",
      action: "UpdateWorkloadShare",
      workloadId: PAYMENTS,
      permissionType: "READONLY",
      shareId: "abc123",
      decision: "deny",
      policyIds: [],
      result: "AccessDeniedError",
      code: "INSUFFICIENT_SCOPE",
    });
  });

  it("invalid input: allowed by the policy, then ValidationError", async () => {
    const alice = shareClient(gw.url, await callerHeader(bed.key, "alice", { groups: ["payments"] }));
    await alice.create({ workloadId: PAYMENTS, sharedWith: "short" });
    expect(gw.lines().at(-1)).toMatchObject({ decision: "allow", result: "ValidationError", code: "VALIDATION_ERROR", sharedWith: "short" });
  });

  it("a failed upstream call: the error type and its code", async () => {
    await injectFault(bed.emulator.url, { workloadId: PAYMENTS, kind: "error5xx", count: 2 });
    const alice = shareClient(gw.url, await callerHeader(bed.key, "alice", { groups: ["payments"] }));
    const outcome = await alice.create({ workloadId: PAYMENTS, sharedWith: "111122223333" });
    expect(outcome.typename).toBe("UpstreamError");
    expect(gw.lines().at(-1)).toMatchObject({ decision: "allow", policyIds: ["own-team-workloads"], result: "UpstreamError", code: outcome.code });
    expect(gw.lines().at(-1)).not.toHaveProperty("shareId");
  });

  it("two mutation fields in one operation: two lines with the request's ID", async () => {
    const headers = await callerHeader(bed.key, "alice", { groups: ["payments"] });
    const before = gw.lines().length;
    const response = await gql(
      gw.url,
      `mutation { a: deleteWorkloadShare(input: { workloadId: "${PAYMENTS}", shareId: "one" }) { __typename }
                  b: deleteWorkloadShare(input: { workloadId: "${DATA_LAKE}", shareId: "two" }) { __typename } }`,
      {},
      headers,
    );
    const lines = gw.lines().slice(before);
    expect(lines.map((l) => [l.shareId, l.decision])).toEqual(
      expect.arrayContaining([
        ["one", "allow"],
        ["two", "deny"],
      ]),
    );
    expect(lines.every((l) => l.requestId === response.headers.get("x-request-id"))).toBe(true);
  });

  it("reads are not audited (workloadShares, Workload.shares through _entities), allowed or denied", async () => {
    const before = gw.lines().length;
    const audrey = shareClient(gw.url, await callerHeader(bed.key, "audrey", { groups: ["auditors"] }));
    const nobody = shareClient(gw.url, await callerHeader(bed.key, "nobody"));
    await audrey.list(PAYMENTS);
    await audrey.entityShares(PAYMENTS);
    await nobody.list(PAYMENTS);
    expect(gw.lines().length).toBe(before);
  });

  it("never holds the bearer token, the client request token or the Authorization header", async () => {
    const headers = await callerHeader(bed.key, "alice", { groups: ["payments"] });
    await gql(gw.url, SHARE_FIELDS.create, { input: { workloadId: PAYMENTS, sharedWith: "444455556666", permissionType: "READONLY", clientRequestToken: CLIENT_TOKEN } }, headers);
    const text = JSON.stringify(gw.lines());
    expect(text).not.toContain(headers.authorization!.slice("Bearer ".length));
    expect(text).not.toContain(CLIENT_TOKEN);
    expect(text.toLowerCase()).not.toContain("authorization");
    expect(text).not.toContain("clientRequestToken");
  });
});

describe("without a policy every mutation field is still audited: decision allow, no policies", () => {
  it("create, then a scope refusal", async () => {
    const gw = await auditedGateway(null);
    await shareClient(gw.url, await callerHeader(bed.key, "alice")).create({ workloadId: PAYMENTS, sharedWith: "111122223333" });
    await shareClient(gw.url, await callerHeader(bed.key, "rita", { scopes: [READ] })).delete({ workloadId: PAYMENTS, shareId: "abc123" });
    expect(gw.lines()).toMatchObject([
      { caller: "alice", decision: "allow", policyIds: [], result: "CreateWorkloadShareSuccess" },
      { caller: "rita", decision: "deny", policyIds: [], result: "AccessDeniedError", code: "INSUFFICIENT_SCOPE" },
    ]);
  });
});

describe("AUDIT_LOG: stdout (default) or a file the lines are appended to", () => {
  const processes: GatewayProcess[] = [];
  afterAll(() => processes.forEach((p) => p.kill()));

  async function start(env: Record<string, string>): Promise<GatewayProcess> {
    const gateway = await startGatewayProcess({
      UPSTREAM_URL: bed.emulator.url,
      AUTH_MODE: "jwt",
      JWT_JWKS_URL: bed.jwks.url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      ...env,
    });
    processes.push(gateway);
    return gateway;
  }

  it("by default the lines go to stdout, beside the request log", async () => {
    const gateway = await start({});
    await shareClient(gateway.url, await callerHeader(bed.key, "alice")).create({ workloadId: PAYMENTS, sharedWith: "111122223333" });
    await expect.poll(() => auditLines([gateway.stdout()]), { timeout: 5_000 }).toMatchObject([{ caller: "alice", decision: "allow" }]);
  }, 60_000);

  it("with a path, appended to that file (and not on stdout)", async () => {
    const file = join(tmpdir(), `audit-${process.pid}-${Date.now()}.log`);
    writeFileSync(file, '{"msg":"audit","earlier":true}\n');
    const gateway = await start({
      AUDIT_LOG: file,
      SHARE_POLICY: exampleFiles("own-team").policy,
      SHARE_POLICY_ENTITIES: exampleFiles("own-team").entities!,
    });
    const bob = shareClient(gateway.url, await callerHeader(bed.key, "bob", { groups: ["analytics"] }));
    await bob.create({ workloadId: PAYMENTS, sharedWith: "111122223333" });
    await expect.poll(() => auditLines([readFileSync(file, "utf8")]), { timeout: 5_000 }).toMatchObject([
      { earlier: true },
      { caller: "bob", decision: "deny", code: "POLICY_DENIED" },
    ]);
    expect(auditLines([gateway.stdout()])).toEqual([]);
  }, 60_000);

  it("a path that cannot be opened stops startup with one line naming AUDIT_LOG", async () => {
    const file = join(tmpdir(), "no-such-folder-for-audit", "audit.log");
    const { code, stdout, stderr } = await runGatewayProcessToExit({ AUDIT_LOG: file });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toEqual([`config: AUDIT_LOG: cannot open ${file} for appending (ENOENT)`]);
  }, 60_000);
});
