// Contract "Who may share what with whom (policy)", its files on the real
// process: a policy, entities or schema file that does not parse or validate
// stops startup with one line naming the file; the files are read again on
// SIGHUP (a real signal) and on change, and an invalid new file is refused
// while the old policy stays in force.
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SharePolicyFiles } from "../src/config.js";
import type { RunningEmulator } from "../src/emulator/server.js";
import { SEEDED, startTestEmulator } from "./support/emulator.js";
import { runGatewayProcessToExit, startGatewayProcess, type GatewayProcess } from "./support/process.js";
import { exampleFiles, SCHEMA_FILE, shareClient, writePolicyFiles, type PolicyTexts } from "./support/share-policy.js";

const PAYMENTS = SEEDED.roomy;
const DATA_LAKE = SEEDED.dataLake;
const TEAM_POLICY = readFileSync(exampleFiles("own-team").policy, "utf8");
const TEAM_ENTITIES = readFileSync(exampleFiles("own-team").entities!, "utf8");
const SCHEMA = readFileSync(SCHEMA_FILE, "utf8");

function envOf(files: SharePolicyFiles): Record<string, string> {
  return {
    SHARE_POLICY: files.policy,
    ...(files.entities === null ? {} : { SHARE_POLICY_ENTITIES: files.entities }),
    ...(files.schema === null ? {} : { SHARE_POLICY_SCHEMA: files.schema }),
  };
}

describe("a file that does not parse or validate stops startup with one line naming the file", () => {
  // No UPSTREAM_URL: the files are read before the embedded emulator starts, so nothing else is printed.
  it.each<[string, PolicyTexts, keyof SharePolicyFiles]>([
    ["a policy that does not parse", { policy: "permit (principal, action, resource) when { resource.team == };" }, "policy"],
    ["a policy template (slots are not supported)", { policy: "permit (principal == ?principal, action, resource);" }, "policy"],
    ["entities that are not JSON", { policy: TEAM_POLICY, entities: "[{ not json" }, "entities"],
    ["entities that are not Cedar entities", { policy: TEAM_POLICY, entities: '[{"uid": "Workload::x"}]' }, "entities"],
    ["entities that define a Caller (callers come from tokens)", { policy: TEAM_POLICY, entities: [{ uid: { type: "Caller", id: "alice" }, attrs: {}, parents: [] }] }, "entities"],
    [
      "entities with an attribute the schema does not have (teem)",
      { policy: TEAM_POLICY, entities: [{ uid: { type: "Workload", id: PAYMENTS }, attrs: { teem: "payments" }, parents: [] }], schema: SCHEMA },
      "entities",
    ],
    [
      "a policy reading an attribute the schema does not have (strict validation: resource.teem)",
      { policy: 'permit (principal, action, resource) when { resource.teem == "payments" };', schema: SCHEMA },
      "policy",
    ],
    [
      "a policy that can never apply (a typo behind `has`: resource has teem)",
      { policy: TEAM_POLICY.replace("resource has team && principal.groups.contains(resource.team)", "resource has teem && principal.groups.contains(resource.teem)"), schema: SCHEMA },
      "policy",
    ],
    ["a policy naming an action the schema does not have", { policy: `permit (principal, action == Action::"ShareEverything", resource);`, schema: SCHEMA }, "policy"],
    ["a schema that does not parse", { policy: TEAM_POLICY, schema: "entity Caller {" }, "schema"],
    ["a schema that lacks what the gateway asks about", { policy: "permit (principal, action, resource);", schema: "entity Caller; entity Workload;" }, "schema"],
  ])("%s", async (_case, texts, faulty) => {
    const files = writePolicyFiles(texts);
    const { code, stdout, stderr } = await runGatewayProcessToExit(envOf(files));
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^config: ${files[faulty]}: \\S`));
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("a policy file that cannot be read", async () => {
    const { code, stderr } = await runGatewayProcessToExit({ SHARE_POLICY: "/nonexistent/policy.cedar" });
    expect(code).toBe(1);
    expect(stderr.trimEnd()).toBe("config: /nonexistent/policy.cedar: cannot be read (ENOENT)");
  }, 60_000);

  it("SHARE_POLICY_ENTITIES or SHARE_POLICY_SCHEMA without SHARE_POLICY is invalid configuration", async () => {
    const { code, stderr } = await runGatewayProcessToExit({ SHARE_POLICY_ENTITIES: exampleFiles("own-team").entities! });
    expect(code).toBe(1);
    expect(stderr.trimEnd()).toMatch(/^config: SHARE_POLICY_ENTITIES: is set but SHARE_POLICY is not/);
  }, 60_000);

  it("the shipped examples start with the shipped schema", async () => {
    const gateway = await startGatewayProcess(envOf(exampleFiles("no-contributor-outside-org")));
    try {
      expect(gateway.stdout()).toContain(`share policy ${exampleFiles("no-contributor-outside-org").policy} (validated against ${SCHEMA_FILE})`);
    } finally {
      gateway.kill();
    }
  }, 60_000);
});

describe("the policy is read again on SIGHUP and on change; an invalid new file is refused and the old policy stays", () => {
  let emulator: RunningEmulator;
  let gateway: GatewayProcess;
  let files: SharePolicyFiles;
  // AUTH_MODE=none: every caller is Caller::"anonymous"; the policies decide by workload.
  const onlyPayments = `permit (principal, action, resource == Workload::"${PAYMENTS}");`;
  const onlyDataLake = `permit (principal, action, resource == Workload::"${DATA_LAKE}");`;
  const STILL = new Date(1_700_000_000_000);

  beforeAll(async () => {
    emulator = await startTestEmulator();
    expect(onlyPayments.length).toBe(onlyDataLake.length);
    files = writePolicyFiles({ policy: onlyPayments, entities: TEAM_ENTITIES, schema: SCHEMA });
    utimesSync(files.policy, STILL, STILL);
    gateway = await startGatewayProcess({ UPSTREAM_URL: emulator.url, ...envOf(files) });
  }, 60_000);
  afterAll(async () => {
    gateway?.kill();
    await emulator?.close();
  });

  const typename = async (workloadId: string) => (await shareClient(gateway.url).list(workloadId)).typename;

  it("SIGHUP: a new policy written in place (same size and time, so only the signal can tell) is in force", async () => {
    expect(await typename(PAYMENTS)).toBe("WorkloadShareConnection");
    expect(await typename(DATA_LAKE)).toBe("AccessDeniedError");
    writeFileSync(files.policy, onlyDataLake);
    utimesSync(files.policy, STILL, STILL);
    await sleep(2_500); // longer than the change check's two poll intervals
    expect(await typename(DATA_LAKE)).toBe("AccessDeniedError");

    gateway.child.kill("SIGHUP");
    await expect.poll(() => typename(DATA_LAKE), { timeout: 5_000 }).toBe("WorkloadShareConnection");
    expect(await typename(PAYMENTS)).toBe("AccessDeniedError");
    expect(gateway.stderr()).toMatch(/"msg":"share policy: reloaded","trigger":"SIGHUP"/);
  }, 30_000);

  it("a changed policy file is picked up within 2 s", async () => {
    writeFileSync(files.policy, `${onlyPayments}\n// changed\n`);
    await expect.poll(() => typename(PAYMENTS), { timeout: 5_000, interval: 200 }).toBe("WorkloadShareConnection");
    expect(await typename(DATA_LAKE)).toBe("AccessDeniedError");
  }, 30_000);

  it("a changed entities file is picked up too", async () => {
    writeFileSync(files.policy, TEAM_POLICY.replace("principal.groups.contains(resource.team)", 'resource.team == "anyone"'));
    await expect.poll(() => typename(PAYMENTS), { timeout: 5_000, interval: 200 }).toBe("AccessDeniedError");
    writeFileSync(files.entities!, TEAM_ENTITIES.replace('"team": "analytics"', '"team": "anyone"'));
    await expect.poll(() => typename(DATA_LAKE), { timeout: 5_000, interval: 200 }).toBe("WorkloadShareConnection");
    expect(await typename(PAYMENTS)).toBe("AccessDeniedError");
  }, 30_000);

  it.each<[string, keyof SharePolicyFiles, string]>([
    ["a policy that does not parse", "policy", "permit (principal, action"],
    ["a policy that does not validate against the schema", "policy", 'permit (principal, action, resource) when { resource.teem == "x" };'],
    ["entities that are not JSON", "entities", "[{"],
    ["a schema that does not parse", "schema", "entity Caller {"],
  ])("%s: refused with a log line naming the file, the old policy stays", async (_case, faulty, text) => {
    const before = gateway.stderr().length;
    const good = readFileSync(files[faulty]!, "utf8");
    writeFileSync(files[faulty]!, text);
    await expect.poll(() => gateway.stderr().slice(before), { timeout: 5_000 }).toContain("share policy: reload refused, keeping the previous set");
    expect(gateway.stderr().slice(before)).toContain(files[faulty]!);
    expect(await typename(DATA_LAKE)).toBe("WorkloadShareConnection");
    expect(await typename(PAYMENTS)).toBe("AccessDeniedError");
    writeFileSync(files[faulty]!, good);
    await expect.poll(() => gateway.stderr().slice(before), { timeout: 5_000 }).toContain("share policy: reloaded");
  }, 30_000);
});
