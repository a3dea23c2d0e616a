// Contract "Who may share what with whom (policy)": with SHARE_POLICY set,
// every share field is decided by the Cedar policy before anything reaches
// the upstream; a denial is AccessDeniedError POLICY_DENIED as data. The
// real gateway over real HTTP, callers with real tokens signed by a JWKS
// server on loopback, the emulator as the upstream (its recorded requests
// show what reached it). Reloads and startup refusals: share-policy-files.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import type { SharePolicyFiles } from "../src/config.js";
import { loadCedar, loadSharePolicy } from "../src/policy/share-policy.js";
import { SEEDED } from "./support/emulator.js";
import { startGateway } from "./support/gateway.js";
import {
  auditLines,
  callerHeader,
  EXAMPLES,
  exampleFiles,
  jwtConfig,
  READ,
  shareClient,
  writePolicyFiles,
  type CallerClaims,
  type ShareClient,
  usePolicyTestBed,
} from "./support/share-policy.js";

const PAYMENTS = SEEDED.roomy; // team "payments" in the examples
const DATA_LAKE = SEEDED.dataLake; // team "analytics"
const DATA_LAKE_SHARE = "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b";
const NOT_IN_ENTITIES = "abcdefabcdefabcdefabcdefabcdef12";
const MEMBER_ACCOUNT = "111122223333"; // Organization::"ours" in the examples
const OUTSIDE_ACCOUNT = "999988887777";

const bed = usePolicyTestBed("policy-key");

interface PolicyGateway {
  url: string;
  audit: string[];
  /** A client whose calls carry a token for `subject` (null: no `sub`) with these claims. */
  as(subject: string | null, claims?: CallerClaims): Promise<ShareClient>;
}

async function gatewayWith(files: SharePolicyFiles | null): Promise<PolicyGateway> {
  const audit: string[] = [];
  const gateway = await startGateway(bed.emulator.url, {
    authMode: "jwt",
    jwt: jwtConfig(bed.jwks.url),
    sharePolicy: files,
    services: { audit: (line) => audit.push(line) },
  });
  bed.open.push(gateway);
  return {
    url: gateway.url,
    audit,
    as: async (subject, claims) => shareClient(gateway.url, await callerHeader(bed.key, subject, claims)),
  };
}

/** Runs `call` and returns its outcome with the number of requests that reached the upstream meanwhile. */
async function counted<T>(call: () => Promise<T>): Promise<{ outcome: T; upstreamRequests: number }> {
  const before = bed.emulator.requests.length;
  const outcome = await call();
  return { outcome, upstreamRequests: bed.emulator.requests.length - before };
}

const denied = { typename: "AccessDeniedError", code: "POLICY_DENIED", retryable: false };

describe("a denied field answers AccessDeniedError POLICY_DENIED as data, and nothing reaches the upstream", () => {
  let gw: PolicyGateway;
  beforeAll(async () => {
    gw = await gatewayWith(exampleFiles("own-team"));
  });

  it("createWorkloadShare", async () => {
    const bob = await gw.as("bob", { groups: ["analytics"] });
    const { outcome, upstreamRequests } = await counted(() => bob.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT }));
    expect(outcome).toMatchObject(denied);
    expect(upstreamRequests).toBe(0);
  });

  it("updateWorkloadShare", async () => {
    const bob = await gw.as("bob", { groups: ["analytics"] });
    const { outcome, upstreamRequests } = await counted(() => bob.update({ workloadId: PAYMENTS, shareId: "abc123", permissionType: "CONTRIBUTOR" }));
    expect(outcome).toMatchObject(denied);
    expect(upstreamRequests).toBe(0);
  });

  it("deleteWorkloadShare", async () => {
    const bob = await gw.as("bob", { groups: ["analytics"] });
    const { outcome, upstreamRequests } = await counted(() => bob.delete({ workloadId: PAYMENTS, shareId: "abc123" }));
    expect(outcome).toMatchObject(denied);
    expect(upstreamRequests).toBe(0);
  });

  it("workloadShares", async () => {
    const bob = await gw.as("bob", { groups: ["analytics"] });
    const { outcome, upstreamRequests } = await counted(() => bob.list(PAYMENTS));
    expect(outcome).toMatchObject(denied);
    expect(upstreamRequests).toBe(0);
  });

  it("Workload.shares reached through federation's _entities", async () => {
    const bob = await gw.as("bob", { groups: ["analytics"] });
    const { outcome, upstreamRequests } = await counted(() => bob.entityShares(PAYMENTS));
    expect(outcome).toMatchObject(denied);
    expect(upstreamRequests).toBe(0);
    // ...and the same path is allowed for the owning team, and then read upstream.
    const alice = await gw.as("alice", { groups: ["payments"] });
    const allowed = await counted(() => alice.entityShares(PAYMENTS));
    expect(allowed.outcome.typename).toBe("WorkloadShareConnection");
    expect(allowed.upstreamRequests).toBe(1);
  });

  it("an allowed field does reach the upstream (the counting above can see requests)", async () => {
    const alice = await gw.as("alice", { groups: ["payments"] });
    const { outcome, upstreamRequests } = await counted(() => alice.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT }));
    expect(outcome.typename).toBe("CreateWorkloadShareSuccess");
    expect(upstreamRequests).toBe(1);
  });
});

describe("scopes apply first; without SHARE_POLICY the scopes alone decide", () => {
  it("a caller without the write scope gets INSUFFICIENT_SCOPE, even where the policy would permit", async () => {
    const gw = await gatewayWith(writePolicyFiles({ policy: "permit (principal, action, resource);" }));
    const reader = await gw.as("alice", { scopes: [READ] });
    const { outcome, upstreamRequests } = await counted(() => reader.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT }));
    expect(outcome).toMatchObject({ typename: "AccessDeniedError", code: "INSUFFICIENT_SCOPE" });
    expect(upstreamRequests).toBe(0);
  });

  it("a caller without the read scope gets INSUFFICIENT_SCOPE, even where the policy would deny", async () => {
    const gw = await gatewayWith(writePolicyFiles({ policy: "forbid (principal, action, resource);" }));
    const writer = await gw.as("alice", { scopes: ["workload-shares:write"] });
    expect(await writer.list(PAYMENTS)).toMatchObject({ typename: "AccessDeniedError", code: "INSUFFICIENT_SCOPE" });
  });

  it("without a policy, any caller with the scope may share any workload with anyone", async () => {
    const gw = await gatewayWith(null);
    const anyone = await gw.as("mallory");
    expect((await anyone.create({ workloadId: DATA_LAKE, sharedWith: OUTSIDE_ACCOUNT, permissionType: "CONTRIBUTOR" })).typename).toBe(
      "CreateWorkloadShareSuccess",
    );
    expect((await anyone.list(DATA_LAKE)).typename).toBe("WorkloadShareConnection");
  });

  it("with a policy, what no policy permits is denied", async () => {
    const gw = await gatewayWith(writePolicyFiles({ policy: `permit (principal, action == Action::"ListWorkloadShares", resource);` }));
    const alice = await gw.as("alice");
    expect((await alice.list(PAYMENTS)).typename).toBe("WorkloadShareConnection");
    expect(await alice.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT })).toMatchObject(denied);
  });
});

describe("the principal is Caller::\"<sub>\" with the token's scopes and groups, in the groups the entities file defines", () => {
  let gw: PolicyGateway;
  beforeAll(async () => {
    gw = await gatewayWith(
      writePolicyFiles({
        policy: `
          @id("alice-by-name") permit (principal == Caller::"alice", action == Action::"ListWorkloadShares", resource == Workload::"${PAYMENTS}");
          @id("by-scope") permit (principal, action == Action::"ListWorkloadShares", resource == Workload::"${DATA_LAKE}")
            when { principal.scopes.contains("shares:admin") };
          @id("by-groups-attribute") permit (principal, action == Action::"ListWorkloadShares", resource == Workload::"${SEEDED.full}")
            when { principal.groups.contains("ops") };
          @id("by-group-membership") permit (principal in Group::"staff", action == Action::"ListWorkloadShares", resource == Workload::"${NOT_IN_ENTITIES}");
          @id("undefined-group") permit (principal in Group::"ghosts", action == Action::"ListWorkloadShares", resource);
        `,
        // ops is in staff: membership is transitive. "ghosts" is not defined.
        entities: [
          { uid: { type: "Group", id: "ops" }, attrs: {}, parents: [{ type: "Group", id: "staff" }] },
          { uid: { type: "Group", id: "staff" }, attrs: {}, parents: [] },
        ],
      }),
    );
  });

  it("principal == Caller::\"<sub>\"", async () => {
    expect((await (await gw.as("alice")).list(PAYMENTS)).typename).toBe("WorkloadShareConnection");
    expect(await (await gw.as("alicia")).list(PAYMENTS)).toMatchObject(denied);
  });

  it("a verified token without `sub` is Caller::\"anonymous\"", async () => {
    const gwAnon = await gatewayWith(writePolicyFiles({ policy: `permit (principal == Caller::"anonymous", action, resource);` }));
    expect((await (await gwAnon.as(null)).list(PAYMENTS)).typename).toBe("WorkloadShareConnection");
    expect(await (await gwAnon.as("alice")).list(PAYMENTS)).toMatchObject(denied);
  });

  it("principal.scopes holds the token's scopes", async () => {
    expect((await (await gw.as("carol", { scopes: [READ, "shares:admin"] })).list(DATA_LAKE)).typename).toBe("WorkloadShareConnection");
    expect(await (await gw.as("carol", { scopes: [READ] })).list(DATA_LAKE)).toMatchObject(denied);
  });

  it("principal.groups comes from the `groups` claim", async () => {
    expect((await (await gw.as("dave", { groups: ["ops"] })).list(SEEDED.full)).typename).toBe("WorkloadShareConnection");
  });

  it("else from `cognito:groups` (Amazon Cognito)", async () => {
    expect((await (await gw.as("dave", { cognitoGroups: ["ops"] })).list(SEEDED.full)).typename).toBe("WorkloadShareConnection");
  });

  it("`groups` wins over `cognito:groups`, and no claim means no groups", async () => {
    expect(await (await gw.as("dave", { groups: ["dev"], cognitoGroups: ["ops"] })).list(SEEDED.full)).toMatchObject(denied);
    expect(await (await gw.as("dave")).list(SEEDED.full)).toMatchObject(denied);
  });

  it("the caller is `in` each group the entities file defines, and in those groups' parents", async () => {
    // Allowed, so read upstream, where the emulator does not know the workload.
    expect((await (await gw.as("erin", { groups: ["ops"] })).list(NOT_IN_ENTITIES)).typename).toBe("ResourceNotFoundError");
    expect((await (await gw.as("erin", { groups: ["staff"] })).list(NOT_IN_ENTITIES)).typename).toBe("ResourceNotFoundError");
    expect(await (await gw.as("erin", { groups: ["dev"] })).list(NOT_IN_ENTITIES)).toMatchObject(denied);
  });

  it("a group the token names but the entities file does not define makes no membership", async () => {
    expect(await (await gw.as("frank", { groups: ["ghosts"] })).list(PAYMENTS)).toMatchObject(denied);
  });

  it("AUTH_MODE=none: every caller is Caller::\"anonymous\" with no scopes and no groups", async () => {
    const audit: string[] = [];
    const gateway = await startGateway(bed.emulator.url, {
      sharePolicy: writePolicyFiles({
        policy: `permit (principal == Caller::"anonymous", action, resource) when { principal.scopes.isEmpty() && principal.groups.isEmpty() };`,
      }),
      services: { audit: (line) => audit.push(line) },
    });
    bed.open.push(gateway);
    expect((await shareClient(gateway.url).create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT })).typename).toBe(
      "CreateWorkloadShareSuccess",
    );
    expect(auditLines(audit)[0]).toMatchObject({ caller: null, decision: "allow" });
  });
});

describe("the action, the resource Workload::\"<workloadId>\" and the context are exactly the contract's", () => {
  let gw: PolicyGateway;
  beforeAll(async () => {
    // Each permit compares the whole context, so a missing or an extra key denies.
    gw = await gatewayWith(
      writePolicyFiles({
        policy: `
          permit (principal, action == Action::"CreateWorkloadShare", resource == Workload::"${PAYMENTS}")
            when { context == { "sharedWith": "${MEMBER_ACCOUNT}", "sharedWithKind": "account", "permissionType": "CONTRIBUTOR" } };
          permit (principal, action == Action::"UpdateWorkloadShare", resource == Workload::"${DATA_LAKE}")
            when { context == { "permissionType": "CONTRIBUTOR", "shareId": "${DATA_LAKE_SHARE}" } };
          permit (principal, action == Action::"DeleteWorkloadShare", resource == Workload::"${DATA_LAKE}")
            when { context == { "shareId": "${DATA_LAKE_SHARE}" } };
          permit (principal, action == Action::"ListWorkloadShares", resource == Workload::"${DATA_LAKE}")
            when { context == {} };
        `,
      }),
    );
  });

  it("create: sharedWith, sharedWithKind and permissionType", async () => {
    const client = await gw.as("alice");
    expect((await client.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT, permissionType: "CONTRIBUTOR" })).typename).toBe(
      "CreateWorkloadShareSuccess",
    );
    expect(await client.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT, permissionType: "READONLY" })).toMatchObject(denied);
    expect(await client.create({ workloadId: DATA_LAKE, sharedWith: MEMBER_ACCOUNT, permissionType: "CONTRIBUTOR" })).toMatchObject(denied);
  });

  it("update: permissionType and shareId", async () => {
    const client = await gw.as("alice");
    expect((await client.update({ workloadId: DATA_LAKE, shareId: DATA_LAKE_SHARE, permissionType: "CONTRIBUTOR" })).typename).toBe(
      "UpdateWorkloadShareSuccess",
    );
    expect(await client.update({ workloadId: DATA_LAKE, shareId: DATA_LAKE_SHARE, permissionType: "READONLY" })).toMatchObject(denied);
  });

  it("delete: shareId", async () => {
    const client = await gw.as("alice");
    expect(await client.delete({ workloadId: DATA_LAKE, shareId: "0a1b2c3d4e5f60718293a4b5c6d7e8f9" })).toMatchObject(denied);
    expect((await client.delete({ workloadId: DATA_LAKE, shareId: DATA_LAKE_SHARE })).typename).toBe("DeleteWorkloadShareSuccess");
  });

  it("workloadShares and Workload.shares: ListWorkloadShares with an empty context", async () => {
    const client = await gw.as("alice");
    expect((await client.list(DATA_LAKE)).typename).toBe("WorkloadShareConnection");
    expect((await client.entityShares(DATA_LAKE)).typename).toBe("WorkloadShareConnection");
    expect(await client.list(PAYMENTS)).toMatchObject(denied);
  });
});

describe("sharedWithKind is derived from sharedWith", () => {
  let gw: PolicyGateway;
  beforeAll(async () => {
    gw = await gatewayWith(
      writePolicyFiles({
        policy: ["account", "organization", "ou", "iam", "other"]
          .map((kind) => `@id("${kind}") permit (principal, action, resource) when { context has sharedWithKind && context.sharedWithKind == "${kind}" };`)
          .join("\n"),
      }),
    );
  });

  it.each([
    ["123456789012", "account"],
    ["o-a1b2c3d4e5", "organization"],
    ["ou-a1b2-c3d4e5f6", "ou"],
    ["arn:aws:iam::123456789012:root", "iam"],
    ["arn:aws:iam::123456789012:role/Auditor", "iam"],
    ["1234567890123", "other"], // 13 digits
    [" 123456789012", "other"], // only looks like an account
    ["O-A1B2C3D4E5", "other"], // organization IDs are lowercase
    ["arn:aws:sts::123456789012:assumed-role/x/y", "other"],
    ["someone@example.com", "other"],
  ])("%j is %s", async (sharedWith, kind) => {
    // The permit that matched names the kind; the audit line says which one decided.
    const client = await gw.as("alice");
    await client.create({ workloadId: PAYMENTS, sharedWith });
    expect(auditLines(gw.audit).at(-1)).toMatchObject({ sharedWith, decision: "allow", policyIds: [kind] });
  });
});

describe("the deciding policies are named by their @id, else by Cedar's own ID (policy0, policy1, ... in file order)", () => {
  it("in a file of twelve policies, some annotated", async () => {
    const policies = Array.from({ length: 12 }, (_, i) => {
      const id = i % 3 === 0 ? `@id("named-${i}") ` : "";
      return `${id}permit (principal == Caller::"user-${i}", action, resource);`;
    });
    const gw = await gatewayWith(writePolicyFiles({ policy: policies.join("\n") }));
    for (const i of [0, 1, 2, 3, 10, 11]) {
      // sharedWith too short: allowed, then refused as invalid input, so nothing is created.
      await (await gw.as(`user-${i}`)).create({ workloadId: PAYMENTS, sharedWith: "x" });
      expect(auditLines(gw.audit).at(-1)).toMatchObject({
        caller: `user-${i}`,
        decision: "allow",
        policyIds: [i % 3 === 0 ? `named-${i}` : `policy${i}`],
        result: "ValidationError",
      });
    }
  });

  it("an @id used twice is refused at load, naming the file", async () => {
    const files = writePolicyFiles({ policy: `@id("a") permit (principal, action, resource);\n@id("a") forbid (principal, action, resource);` });
    const cedar = await loadCedar();
    expect(() => loadSharePolicy(cedar, files)).toThrow(`${files.policy}: two policies have the ID "a"`);
  });
});

describe("policy/examples: own-team", () => {
  let gw: PolicyGateway;
  beforeAll(async () => {
    gw = await gatewayWith(exampleFiles("own-team"));
  });

  it("a caller manages and lists the shares of their own team's workloads", async () => {
    const alice = await gw.as("alice", { groups: ["payments"] });
    const created = await alice.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT });
    expect(created.typename).toBe("CreateWorkloadShareSuccess");
    expect((await alice.update({ workloadId: PAYMENTS, shareId: created.share!.id, permissionType: "CONTRIBUTOR" })).typename).toBe(
      "UpdateWorkloadShareSuccess",
    );
    expect((await alice.list(PAYMENTS)).typename).toBe("WorkloadShareConnection");
    expect((await alice.delete({ workloadId: PAYMENTS, shareId: created.share!.id })).typename).toBe("DeleteWorkloadShareSuccess");
  });

  it("the team may come from cognito:groups", async () => {
    const bob = await gw.as("bob", { cognitoGroups: ["analytics"] });
    expect((await bob.list(DATA_LAKE)).typename).toBe("WorkloadShareConnection");
  });

  it("another team's workload, a workload the entities file does not list, and a caller with no groups are denied", async () => {
    const alice = await gw.as("alice", { groups: ["payments"] });
    expect(await alice.create({ workloadId: DATA_LAKE, sharedWith: MEMBER_ACCOUNT })).toMatchObject(denied);
    expect(await alice.list(NOT_IN_ENTITIES)).toMatchObject(denied);
    expect(await (await gw.as("nobody")).list(PAYMENTS)).toMatchObject(denied);
  });
});

describe("policy/examples: organization-only", () => {
  let gw: PolicyGateway;
  beforeAll(async () => {
    gw = await gatewayWith(exampleFiles("organization-only"));
  });

  it.each([
    [MEMBER_ACCOUNT, "a member account"],
    ["o-a1b2c3d4e5", "the organization"],
    ["ou-a1b2-c3d4e5f6", "one of its OUs"],
  ])("shares with %s (%s)", async (sharedWith) => {
    const outcome = await (await gw.as("alice")).create({ workloadId: PAYMENTS, sharedWith });
    expect(outcome.typename).not.toBe("AccessDeniedError");
    expect(auditLines(gw.audit).at(-1)).toMatchObject({ decision: "allow", policyIds: ["share-within-organization"] });
  });

  it.each([
    [OUTSIDE_ACCOUNT, "another account"],
    ["o-zzzzzzzzzz", "another organization"],
    ["ou-zzzz-zzzzzzzz", "another organization's OU"],
    ["arn:aws:iam::111122223333:role/Reader", "an IAM ARN, even in a member account"],
  ])("refuses %s (%s)", async (sharedWith) => {
    const { outcome, upstreamRequests } = await counted(async () => (await gw.as("alice")).create({ workloadId: PAYMENTS, sharedWith }));
    expect(outcome).toMatchObject(denied);
    expect(upstreamRequests).toBe(0);
  });

  it("does not restrict updates, deletes and reads", async () => {
    const alice = await gw.as("alice");
    expect((await alice.update({ workloadId: DATA_LAKE, shareId: DATA_LAKE_SHARE, permissionType: "CONTRIBUTOR" })).typename).toBe(
      "UpdateWorkloadShareSuccess",
    );
    expect((await alice.list(DATA_LAKE)).typename).toBe("WorkloadShareConnection");
  });
});

describe("policy/examples: no-contributor-outside-org (a forbid overrides the permit)", () => {
  let gw: PolicyGateway;
  beforeAll(async () => {
    gw = await gatewayWith(exampleFiles("no-contributor-outside-org"));
  });

  it("refuses CONTRIBUTOR for an account outside the organization, naming the forbid", async () => {
    const { outcome, upstreamRequests } = await counted(async () =>
      (await gw.as("alice")).create({ workloadId: PAYMENTS, sharedWith: OUTSIDE_ACCOUNT, permissionType: "CONTRIBUTOR" }),
    );
    expect(outcome).toMatchObject(denied);
    expect(upstreamRequests).toBe(0);
    expect(auditLines(gw.audit).at(-1)).toMatchObject({ decision: "deny", policyIds: ["no-contributor-outside-org"] });
  });

  it("allows READONLY outside, and CONTRIBUTOR inside the organization", async () => {
    const alice = await gw.as("alice");
    expect((await alice.create({ workloadId: PAYMENTS, sharedWith: OUTSIDE_ACCOUNT, permissionType: "READONLY" })).typename).toBe(
      "CreateWorkloadShareSuccess",
    );
    expect((await alice.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT, permissionType: "CONTRIBUTOR" })).typename).toBe(
      "CreateWorkloadShareSuccess",
    );
  });

  it("raising a share to CONTRIBUTOR is for share-admins only", async () => {
    const update = { workloadId: DATA_LAKE, shareId: DATA_LAKE_SHARE, permissionType: "CONTRIBUTOR" };
    expect(await (await gw.as("alice")).update(update)).toMatchObject(denied);
    expect((await (await gw.as("sam", { groups: ["share-admins"] })).update(update)).typename).toBe("UpdateWorkloadShareSuccess");
    expect((await (await gw.as("alice")).update({ ...update, permissionType: "READONLY" })).typename).toBe("UpdateWorkloadShareSuccess");
  });
});

describe("policy/examples: auditors-read-only (forbid over permit)", () => {
  let gw: PolicyGateway;
  beforeAll(async () => {
    gw = await gatewayWith(exampleFiles("auditors-read-only"));
  });

  it("an auditor lists the shares of every workload", async () => {
    const audrey = await gw.as("audrey", { groups: ["auditors"] });
    for (const workload of [PAYMENTS, DATA_LAKE, NOT_IN_ENTITIES]) expect((await audrey.list(workload)).typename).not.toBe("AccessDeniedError");
    expect((await audrey.entityShares(DATA_LAKE)).typename).toBe("WorkloadShareConnection");
  });

  it("an auditor who is also on the owning team still may not change shares", async () => {
    const audrey = await gw.as("audrey", { groups: ["auditors", "payments"] });
    const { outcome, upstreamRequests } = await counted(async () => [
      await audrey.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT }),
      await audrey.update({ workloadId: PAYMENTS, shareId: "abc123", permissionType: "READONLY" }),
      await audrey.delete({ workloadId: PAYMENTS, shareId: "abc123" }),
    ]);
    for (const result of outcome) expect(result).toMatchObject(denied);
    expect(upstreamRequests).toBe(0);
    expect(auditLines(gw.audit).at(-1)).toMatchObject({ decision: "deny", policyIds: ["auditors-never-change-shares"] });
  });

  it("everyone else keeps to their own team's workloads", async () => {
    const alice = await gw.as("alice", { groups: ["payments"] });
    expect((await alice.create({ workloadId: PAYMENTS, sharedWith: MEMBER_ACCOUNT })).typename).toBe("CreateWorkloadShareSuccess");
    expect(await alice.list(DATA_LAKE)).toMatchObject(denied);
  });
});

describe("every example validates against policy/schema.cedarschema (strict) and also loads without it", () => {
  it.each(EXAMPLES)("%s", async (name) => {
    const cedar = await loadCedar();
    expect(() => loadSharePolicy(cedar, exampleFiles(name))).not.toThrow();
    expect(() => loadSharePolicy(cedar, exampleFiles(name, { schema: false }))).not.toThrow();
  });
});

describe("deciding does not crash the process (Node 20's V8 and inlined calls into WebAssembly)", () => {
  // Without the fix in loadCedar this crashed the process within ~20,000 decisions on most runs
  // (how soon depends on when V8's background compiler finishes: it is a race, so not on every run).
  it("40,000 decisions, each for a new caller, in a process of their own", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/decide-repeatedly.ts", "40000"], {
      cwd: new URL("..", import.meta.url),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once("close", (c, s) => resolve([c, s])));
    expect({ code, signal, output: output.trim().slice(0, 300) }).toEqual({ code: 0, signal: null, output: "ok" });
  }, 120_000);
});
