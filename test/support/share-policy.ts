// For the share-policy and audit tests: policy files in a temporary folder,
// the shipped examples, callers with real signed tokens, and the four share
// fields as a client sends them.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JwtConfig, SharePolicyFiles } from "../../src/config.js";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { resetEmulator, startTestEmulator } from "./emulator.js";
import { gql, type TestGateway } from "./gateway.js";
import { makeSigningKey, mintToken, startJwksServer, type JwksServer, type SigningKey } from "./jwks.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

export const SCHEMA_FILE = join(root, "policy", "schema.cedarschema");
export const EXAMPLES = ["own-team", "organization-only", "no-contributor-outside-org", "auditors-read-only"] as const;
export type ExampleName = (typeof EXAMPLES)[number];

/** A shipped example, validated against the shipped schema unless told otherwise. */
export function exampleFiles(name: ExampleName, options: { schema?: boolean } = {}): SharePolicyFiles {
  const dir = join(root, "policy", "examples", name);
  return {
    policy: join(dir, "policy.cedar"),
    entities: join(dir, "entities.json"),
    schema: options.schema === false ? null : SCHEMA_FILE,
  };
}

export interface PolicyTexts {
  policy: string;
  /** JSON text, or a value written as JSON. */
  entities?: string | unknown[];
  schema?: string;
}

/** Writes the texts into a new temporary folder; the paths are those of the written files. */
export function writePolicyFiles(texts: PolicyTexts): SharePolicyFiles {
  const dir = mkdtempSync(join(tmpdir(), "share-policy-"));
  const files: SharePolicyFiles = { policy: join(dir, "policy.cedar"), entities: null, schema: null };
  writeFileSync(files.policy, texts.policy);
  if (texts.entities !== undefined) {
    files.entities = join(dir, "entities.json");
    writeFileSync(files.entities, typeof texts.entities === "string" ? texts.entities : JSON.stringify(texts.entities));
  }
  if (texts.schema !== undefined) {
    files.schema = join(dir, "schema.cedarschema");
    writeFileSync(files.schema, texts.schema);
  }
  return files;
}

export const ISSUER = "https://issuer.test/";
export const AUDIENCE = "workload-share-gateway";
export const READ = "workload-shares:read";
export const WRITE = "workload-shares:write";

export function jwtConfig(jwksUrl: string): JwtConfig {
  return { jwksUrl, secret: null, issuer: ISSUER, audience: AUDIENCE, readScope: READ, writeScope: WRITE };
}

export interface CallerClaims {
  scopes?: string[];
  groups?: unknown;
  cognitoGroups?: unknown;
}

/** The Authorization header of a caller with a real token signed by `key` (both scopes unless told otherwise). */
export async function callerHeader(key: SigningKey, subject: string | null, claims: CallerClaims = {}): Promise<Record<string, string>> {
  const token = await mintToken(key, {
    issuer: ISSUER,
    audience: AUDIENCE,
    ...(subject === null ? {} : { subject }),
    claims: {
      scope: (claims.scopes ?? [READ, WRITE]).join(" "),
      ...(claims.groups === undefined ? {} : { groups: claims.groups }),
      ...(claims.cognitoGroups === undefined ? {} : { "cognito:groups": claims.cognitoGroups }),
    },
  });
  return { authorization: `Bearer ${token}` };
}

const RESULT = "__typename ... on Error { code message retryable }";

export const SHARE_FIELDS = {
  create: `mutation($input: CreateWorkloadShareInput!) { createWorkloadShare(input: $input) { ${RESULT} ... on CreateWorkloadShareSuccess { share { id } } } }`,
  update: `mutation($input: UpdateWorkloadShareInput!) { updateWorkloadShare(input: $input) { ${RESULT} } }`,
  delete: `mutation($input: DeleteWorkloadShareInput!) { deleteWorkloadShare(input: $input) { ${RESULT} } }`,
  list: `query($id: ID!) { workloadShares(workloadId: $id) { ${RESULT} } }`,
  entities: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Workload { id shares { ${RESULT} } } } }`,
} as const;

export interface FieldOutcome {
  typename: string;
  code?: string;
  retryable?: boolean;
  message?: string;
  share?: { id: string };
}

/** The root field's result (the only root field of the document). */
async function field(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<FieldOutcome> {
  const { status, body } = await gql(url, query, variables, headers);
  if (status !== 200 || body.data == null) throw new Error(`HTTP ${status}: ${JSON.stringify(body)}`);
  const value = Object.values(body.data as Record<string, { __typename: string }>)[0] as { __typename: string } & Omit<FieldOutcome, "typename">;
  const { __typename, ...rest } = value;
  return { typename: __typename, ...rest };
}

export interface ShareClient {
  create(input: { workloadId: string; sharedWith: string; permissionType?: string; clientRequestToken?: string }): Promise<FieldOutcome>;
  update(input: { workloadId: string; shareId: string; permissionType: string }): Promise<FieldOutcome>;
  delete(input: { workloadId: string; shareId: string; clientRequestToken?: string }): Promise<FieldOutcome>;
  list(workloadId: string): Promise<FieldOutcome>;
  /** Workload.shares reached through federation's _entities, as a router asks for it. */
  entityShares(workloadId: string): Promise<FieldOutcome>;
}

export function shareClient(url: string, headers: Record<string, string> = {}): ShareClient {
  return {
    create: (input) => field(url, SHARE_FIELDS.create, { input: { permissionType: "READONLY", ...input } }, headers),
    update: (input) => field(url, SHARE_FIELDS.update, { input }, headers),
    delete: (input) => field(url, SHARE_FIELDS.delete, { input }, headers),
    list: (workloadId) => field(url, SHARE_FIELDS.list, { id: workloadId }, headers),
    async entityShares(workloadId) {
      const { status, body } = await gql(url, SHARE_FIELDS.entities, { r: [{ __typename: "Workload", id: workloadId }] }, headers);
      if (status !== 200 || body.data == null) throw new Error(`HTTP ${status}: ${JSON.stringify(body)}`);
      const { __typename, ...rest } = body.data._entities[0].shares as { __typename: string } & Omit<FieldOutcome, "typename">;
      return { typename: __typename, ...rest };
    },
  };
}

/** The JSON lines in `lines` with "msg": "audit". */
export function auditLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === "audit");
}

/** The servers a policy test file drives gateways against: an emulator, a JWKS server and its signing key. */
export interface PolicyTestBed {
  readonly emulator: RunningEmulator;
  readonly jwks: JwksServer;
  readonly key: SigningKey;
  /** Gateways closed after the file's tests. */
  readonly open: TestGateway[];
}

/** Starts the bed before the file's tests, resets the emulator before each, closes everything after. */
export function usePolicyTestBed(keyId: string): PolicyTestBed {
  let emulator: RunningEmulator | undefined;
  let jwks: JwksServer | undefined;
  let key: SigningKey | undefined;
  const open: TestGateway[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the policy test bed is used before beforeAll started it");
    return value;
  };
  beforeAll(async () => {
    key = await makeSigningKey(keyId);
    [emulator, jwks] = await Promise.all([startTestEmulator(), startJwksServer(key)]);
  });
  afterAll(async () => {
    await Promise.all(open.splice(0).map((g) => g.close()));
    await jwks?.close();
    await emulator?.close();
  });
  beforeEach(() => resetEmulator(started(emulator).url));
  return {
    get emulator() {
      return started(emulator);
    },
    get jwks() {
      return started(jwks);
    },
    get key() {
      return started(key);
    },
    open,
  };
}
