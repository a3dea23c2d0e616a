// The share policy: Cedar policies (SHARE_POLICY), the entities they read
// (SHARE_POLICY_ENTITIES) and optionally a schema they are validated against
// in strict mode (SHARE_POLICY_SCHEMA), evaluated with the official
// @cedar-policy/cedar-wasm. Everything that can be prepared is prepared at
// (re)load: the policies are parsed once into Cedar's own cache, the
// entities indexed; a decision is one synchronous Cedar call.
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import type {
  DetailedError,
  EntityJson,
  SchemaJson,
  TypeAndId,
} from "@cedar-policy/cedar-wasm/nodejs";
import type { Caller } from "../auth/caller.js";
import type { SharePolicyFiles } from "../config.js";
import { createReloadable, FileLoadError, type Reloadable } from "../reload/reloadable-files.js";
import { jsonLine, type LogWriter } from "../server/log.js";
import { EntityStore, entityReferences, uidKey, uidOf, unionOf } from "./entity-store.js";
import { shareContext, type ShareAction, type ShareRequest } from "./share-request.js";

export type CedarWasm = typeof import("@cedar-policy/cedar-wasm/nodejs");

/** Loaded only when a policy is configured: without one, no Cedar (and none of its memory). */
export async function loadCedar(): Promise<CedarWasm> {
  // Node 20's V8 dies with a fatal error in its deoptimizer when TurboFan has
  // inlined a call into Cedar's WebAssembly and then deoptimizes the caller
  // lazily while that call runs (test/share-policy.test.ts reproduces it
  // within ~20,000 decisions). With inlining off the call takes V8's generic
  // JS-to-Wasm wrapper: a few nanoseconds more per decision, and no crash.
  setFlagsFromString("--no-turbo-inline-js-wasm-calls");
  return import("@cedar-policy/cedar-wasm/nodejs");
}

export interface ShareDecision {
  allowed: boolean;
  /** The policies that decided (their `@id`, else Cedar's `policyN`), sorted; empty for a default deny. */
  policyIds: readonly string[];
}

export interface SharePolicy {
  decide(caller: Caller, request: ShareRequest): ShareDecision;
}

/** The policy in force; read `current` at each decision (a reload replaces it). */
export interface SharePolicySource {
  readonly current: SharePolicy;
}

export const SHARE_ACTIONS: readonly ShareAction[] = [
  "CreateWorkloadShare",
  "UpdateWorkloadShare",
  "DeleteWorkloadShare",
  "ListWorkloadShares",
];

const ANONYMOUS = "anonymous";

// Cedar keeps preparsed policy sets by name for the life of the process;
// the name of a set no longer in force is used again by a later load, so
// reloads do not accumulate sets.
let namesMade = 0;
const freeNames: string[] = [];

interface Principal {
  uid: TypeAndId;
  /** The Caller entity and the groups (and their ancestors) the entities file defines for it. */
  entities: readonly EntityJson[];
  /** This caller's recent decisions, by request (see decide). */
  decisions: Map<string, ShareDecision>;
}

/** Decisions remembered per caller: a client repeats the same few requests while its token lives. */
const DECISIONS_PER_CALLER = 32;

interface LoadedPolicy extends SharePolicy {
  /** Gives its preparsed set's name back once it is no longer in force. */
  release(): void;
}

export interface SharePolicyOptions {
  /** Where evaluation problems are reported (default: stderr JSON lines). */
  log?: LogWriter;
}

function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Reads and checks the files; throws a FileLoadError naming the file at fault. */
export function loadSharePolicy(cedar: CedarWasm, files: SharePolicyFiles, options: SharePolicyOptions = {}): LoadedPolicy {
  const log = options.log ?? stderrLog;
  const policyText = readText(files.policy);
  const schemaText = files.schema === null ? null : readText(files.schema);
  const schemaActions = schemaText === null || files.schema === null ? [] : checkSchema(cedar, files.schema, schemaText);
  const policies = policiesById(cedar, files.policy, policyText);
  if (schemaText !== null && files.schema !== null) validateStrictly(cedar, files, policyText, schemaText, policies);
  // The file's own Action entities, if any, win over the schema's.
  const store = new EntityStore([
    ...schemaActions,
    ...(files.entities === null ? [] : readEntities(cedar, files.entities, schemaText)),
  ]);

  // Entities the policies name literally (`Group::"auditors"`, `Organization::"main".accounts`) go with every request.
  const literal = store.reachableFrom(Object.values(policies).flatMap((p) => entityReferences(p.json)));
  const name = freeNames.pop() ?? `share-policy-${namesMade++}`;
  const parsed = cedar.preparsePolicySet(name, {
    staticPolicies: Object.fromEntries(Object.entries(policies).map(([id, p]) => [id, p.text])),
  });
  if (parsed.type === "failure") {
    freeNames.push(name);
    throw new FileLoadError(files.policy, describe(parsed.errors));
  }

  // A verified token's Caller is reused while the token is (jwt-verifier.ts): so is its principal.
  const principals = new WeakMap<Caller, Principal>();
  const principalOf = (caller: Caller): Principal => {
    let principal = principals.get(caller);
    if (principal === undefined) {
      const uid = { type: "Caller", id: caller.subject ?? ANONYMOUS };
      const groups = caller.groups.map((id) => ({ type: "Group", id })).filter((group) => store.has(group));
      const self: EntityJson = { uid, attrs: { scopes: [...caller.scopes], groups: [...caller.groups] }, parents: groups };
      principal = { uid, entities: unionOf([[self], store.reachableFrom(groups)]), decisions: new Map() };
      principals.set(caller, principal);
    }
    return principal;
  };

  const reported = new Set<string>();
  const evaluate = (principal: Principal, request: ShareRequest, context: Record<string, string>): ShareDecision => {
    const resource = { type: "Workload", id: request.workloadId };
    const action = { type: "Action", id: request.action };
    let answer: ReturnType<CedarWasm["statefulIsAuthorized"]>;
    try {
      answer = cedar.statefulIsAuthorized({
        principal: principal.uid,
        action,
        resource,
        context,
        preparsedPolicySetId: name,
        entities: unionOf([principal.entities, store.closureOf(resource), store.closureOf(action), literal]),
      });
    } catch (error) {
      // A panic inside Cedar's WebAssembly surfaces as an exception: deny, like any failure to evaluate.
      answer = { type: "failure", errors: [{ message: String(error), help: null, code: null, url: null, severity: null }], warnings: [] };
    }
    if (answer.type === "failure") {
      // Fail closed: what Cedar could not evaluate is denied.
      log(jsonLine({ level: "error", msg: "share policy: request not evaluated, denied", action: request.action, problem: describe(answer.errors) }));
      return { allowed: false, policyIds: [] };
    }
    for (const { policyId, error } of answer.response.diagnostics.errors) {
      if (reported.has(policyId)) continue;
      reported.add(policyId); // once per policy and load: an error usually repeats for every request
      log(jsonLine({ level: "warn", msg: "share policy: a policy failed to evaluate and was skipped", policyId, problem: error.message }));
    }
    return { allowed: answer.response.decision === "allow", policyIds: [...answer.response.diagnostics.reason].sort() };
  };

  return {
    decide(caller, request) {
      // Within one load a decision is a pure function of the caller and the request (Cedar reads no
      // clock and no state), so a caller's repeated request is answered without asking Cedar again.
      const principal = principalOf(caller);
      const context = shareContext(request);
      const key = JSON.stringify([request.action, request.workloadId, ...Object.values(context)]);
      let decision = principal.decisions.get(key);
      if (decision === undefined) {
        decision = evaluate(principal, request, context);
        if (principal.decisions.size >= DECISIONS_PER_CALLER) principal.decisions.clear();
        principal.decisions.set(key, decision);
      }
      return decision;
    },
    release() {
      freeNames.push(name);
    },
  };
}

/** Loads the policy and keeps it current: read again on SIGHUP and on change; an invalid new set is refused. */
export function watchSharePolicy(
  cedar: CedarWasm,
  files: SharePolicyFiles,
  options: SharePolicyOptions & { pollIntervalMs?: number; reloadLog?: LogWriter } = {},
): Reloadable<SharePolicy> {
  let inForce: LoadedPolicy | null = null;
  const reloadable = createReloadable<LoadedPolicy>({
    what: "share policy",
    files: [files.policy, files.entities, files.schema].filter((f): f is string => f !== null),
    load: () => loadSharePolicy(cedar, files, options),
    pollIntervalMs: options.pollIntervalMs,
    log: options.reloadLog,
    onReload: (next) => {
      inForce?.release();
      inForce = next;
    },
  });
  inForce = reloadable.current;
  return reloadable;
}

/** SHARE_POLICY's policy, loaded and watched; null without one (and then Cedar is not even loaded). */
export async function openSharePolicy(files: SharePolicyFiles | null): Promise<Reloadable<SharePolicy> | null> {
  return files === null ? null : watchSharePolicy(await loadCedar(), files);
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new FileLoadError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Cedar's errors in one line, with the line and column of the first source location when the text is known. */
function describe(errors: readonly DetailedError[], text?: string, offset = 0): string {
  const first = errors[0];
  if (first === undefined) return "rejected by Cedar";
  const location = first.sourceLocations?.[0];
  let where = "";
  if (location !== undefined && text !== undefined) {
    const before = text.slice(0, offset + location.start);
    where = `line ${before.split("\n").length}, column ${before.length - before.lastIndexOf("\n")}: `;
  }
  const detail = [first.message, location?.label, first.help].filter((s): s is string => typeof s === "string" && s !== "");
  return `${where}${detail.join("; ")}`.replace(/\s*\n\s*/g, " ");
}

interface ParsedPolicy {
  text: string;
  /** Cedar's JSON form, for the entities the policy names literally. */
  json: unknown;
  /** Where the policy starts in the file. */
  offset: number;
}

/**
 * The file's policies keyed by the IDs audit lines report: a policy's `@id`
 * annotation, else the ID Cedar gives it (`policy0`, `policy1`, ... in file order).
 */
function policiesById(cedar: CedarWasm, file: string, text: string): Record<string, ParsedPolicy> {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === "failure") throw new FileLoadError(file, describe(parts.errors, text));
  if (parts.policy_templates.length > 0) {
    throw new FileLoadError(file, "templates (policies with ?principal or ?resource) are not supported; write static policies");
  }
  // The parts come sorted by Cedar's IDs as strings (policy0, policy1, policy10, policy2, ...).
  const cedarIds = parts.policies.map((_, i) => `policy${i}`).sort();
  const byId: Record<string, ParsedPolicy> = {};
  let searchFrom = 0;
  parts.policies.forEach((policyText, i) => {
    const json = cedar.policyToJson(policyText);
    if (json.type === "failure") throw new FileLoadError(file, describe(json.errors));
    const id = json.json.annotations?.id ?? (cedarIds[i] as string);
    if (Object.hasOwn(byId, id)) throw new FileLoadError(file, `two policies have the ID "${id}" (an @id must be unique)`);
    const offset = text.indexOf(policyText, searchFrom);
    if (offset >= 0) searchFrom = offset;
    byId[id] = { text: policyText, json: json.json, offset: Math.max(offset, 0) };
  });
  return byId;
}

/**
 * Checks the schema parses and describes the gateway's requests; returns its
 * actions as entities (their `in [...]` groups), which requests need since
 * they are evaluated without the schema.
 */
function checkSchema(cedar: CedarWasm, file: string, text: string): EntityJson[] {
  const json = cedar.schemaToJson(text);
  if (json.type === "failure") throw new FileLoadError(file, describe(json.errors, text));
  const root = (json.json as SchemaJson<string>)[""];
  const missing = [
    ...["Caller", "Workload"].filter((t) => root?.entityTypes[t] === undefined).map((t) => `entity ${t}`),
    ...SHARE_ACTIONS.filter((a) => root?.actions[a] === undefined).map((a) => `action ${a}`),
  ];
  if (missing.length > 0) {
    throw new FileLoadError(file, `must declare, outside any namespace, what the gateway asks about: missing ${missing.join(", ")}`);
  }
  // The principal the gateway builds from a token must fit the schema's Caller.
  const caller: EntityJson = { uid: { type: "Caller", id: ANONYMOUS }, attrs: { scopes: [], groups: [] }, parents: [] };
  const fits = cedar.checkParseEntities({ entities: [caller], schema: text });
  if (fits.type === "failure") {
    throw new FileLoadError(file, `the gateway's principal (Caller with scopes and groups, both Set<String>) does not fit: ${describe(fits.errors)}`);
  }
  return Object.entries(root?.actions ?? {}).map(([id, action]) => ({
    uid: { type: "Action", id },
    attrs: {},
    parents: (action.memberOf ?? []).map((m) => ({ type: m.type ?? "Action", id: m.id })),
  }));
}

function validateStrictly(
  cedar: CedarWasm,
  files: SharePolicyFiles,
  policyText: string,
  schemaText: string,
  policies: Record<string, ParsedPolicy>,
): void {
  const answer = cedar.validate({
    schema: schemaText,
    policies: { staticPolicies: Object.fromEntries(Object.entries(policies).map(([id, p]) => [id, p.text])) },
    validationSettings: { mode: "strict" },
  });
  if (answer.type === "failure") throw new FileLoadError(files.policy, describe(answer.errors));
  // A policy that can never apply is refused too: it is how a guarded typo
  // (`resource has teem && ...`) shows, which strict validation alone accepts.
  const impossible = answer.validationWarnings.filter((w) => /policy is impossible/.test(w.error.message));
  const first = answer.validationErrors[0] ?? impossible[0];
  if (first !== undefined) {
    const where = describe([first.error], policyText, policies[first.policyId]?.offset ?? 0);
    throw new FileLoadError(files.policy, `policy "${first.policyId}" does not validate against ${files.schema}: ${where}`);
  }
}

function readEntities(cedar: CedarWasm, file: string, schemaText: string | null): EntityJson[] {
  let entities: unknown;
  try {
    entities = JSON.parse(readText(file));
  } catch (error) {
    if (error instanceof FileLoadError) throw error;
    throw new FileLoadError(file, `is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(entities)) throw new FileLoadError(file, "must be a JSON array of Cedar entities");
  const checked = cedar.checkParseEntities({ entities: entities as EntityJson[], schema: schemaText });
  if (checked.type === "failure") throw new FileLoadError(file, describe(checked.errors));
  const seen = new Set<string>();
  for (const entity of entities as EntityJson[]) {
    const uid: TypeAndId = uidOf(entity.uid);
    if (uid.type === "Caller") {
      throw new FileLoadError(file, `defines ${uid.type}::"${uid.id}": callers come from their verified token, not from this file`);
    }
    const key = uidKey(uid);
    if (seen.has(key)) throw new FileLoadError(file, `defines ${uid.type}::"${uid.id}" twice`);
    seen.add(key);
  }
  return entities as EntityJson[];
}
