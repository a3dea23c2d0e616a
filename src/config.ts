// The environment, read once into one typed, validated Config. A bad value
// is a ConfigError naming the variable; main.ts prints it in one line.
import { isIP } from "node:net";
import type { EmulatorFormat } from "./emulator/wire-format.js";
import { readTracingSettings, type TracingSettings } from "./tracing/settings.js";
import { isRegularFile } from "./reload/reloadable-files.js";
import { decideSigning, parseWellArchitectedHost } from "./upstream/aws-endpoint.js";
import { DEFAULT_BREAKER, type CircuitBreakerOptions } from "./upstream/circuit-breaker.js";

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

export type UpstreamAuth = "auto" | "none" | "sigv4";
export type AuthMode = "none" | "jwt" | "forward";

export interface Config {
  production: boolean;
  port: number;
  host: string;
  /** null: start the embedded emulator (development only). */
  upstreamUrl: string | null;
  upstreamTimeoutMs: number;
  upstreamMaxAttempts: number;
  upstreamConcurrency: number;
  /** UPSTREAM_BREAKER_FAILURES (0 = off) and UPSTREAM_BREAKER_COOLDOWN_MS. */
  upstreamBreaker: CircuitBreakerOptions;
  upstreamAuth: UpstreamAuth;
  /** The SigV4 signing Region; null when upstream requests go unsigned. */
  upstreamSigningRegion: string | null;
  authMode: AuthMode;
  /** How bearer tokens are verified; set exactly when authMode is "jwt". */
  jwt: JwtConfig | null;
  allowUnauthenticated: boolean;
  graphiql: boolean;
  introspection: boolean;
  fieldSuggestions: boolean;
  maxBodyBytes: number;
  /** FAST_PATH: the common POST /graphql JSON request skips yoga's Fetch adapter (server/fast-path/); false: every request takes yoga's full pipeline. */
  fastPath: boolean;
  /** COMPILE_AFTER: a document runs compiled by graphql-jit from this execution on (execution/compiled-execution.ts); 0: never. */
  compileAfter: number;
  /** MEASURE_WITHOUT: parts left out to measure what each costs (`npm run bench -- --attribute`); empty in any real deployment. */
  measureWithout: readonly MeasurablePart[];
  batchLimit: number;
  limits: DocumentLimits;
  shutdownTimeoutMs: number;
  /** null: any origin in development, none in production. */
  corsOrigins: string[] | null;
  emulatorFormat: EmulatorFormat;
  /** The embedded emulator checks SigV4 signatures made with these (aws format only). */
  emulatorCredentials: EmulatorCredentials | null;
  /** OpenTelemetry tracing from the standard OTEL_* variables; null: off (no OTLP endpoint set). */
  tracing: TracingSettings | null;
  /** null: TRUSTED_DOCUMENTS unset, every document may run. */
  trustedDocuments: TrustedDocumentsConfig | null;
  /** The Cedar share policy; null: the scopes alone decide. */
  sharePolicy: SharePolicyFiles | null;
  /** Where audit lines go. */
  auditLog: AuditLogTarget;
}

export interface TrustedDocumentsConfig {
  /** Manifest files, in the order given. */
  files: string[];
  /** TRUSTED_DOCUMENTS_ONLY: only manifest documents execute. */
  only: boolean;
}

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be from ${min} to ${max}, got ${n}`);
  return n;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

function httpUrl(env: Env, name: string): string | null {
  const raw = value(env, name);
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(name, "must use http or https");
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new ConfigError(name, "must not carry a query, fragment or credentials");
  }
  return url.toString().replace(/\/+$/, "");
}

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}

/** Hosts of the AWS Well-Architected API, which need SigV4 signing. */
export function isAwsWellArchitectedHost(hostname: string): boolean {
  return parseWellArchitectedHost(hostname) !== null;
}

export function readConfig(env: Env): Config {
  const production = env.NODE_ENV === "production";
  const upstreamUrl = httpUrl(env, "UPSTREAM_URL");
  if (production && upstreamUrl === null) {
    throw new ConfigError("UPSTREAM_URL", "is required when NODE_ENV=production (the embedded emulator is for development)");
  }
  const upstreamAuth = oneOf(env, "UPSTREAM_AUTH", ["auto", "none", "sigv4"] as const, "auto");
  const signing = decideSigning(upstreamAuth, upstreamUrl, value(env, "AWS_REGION"));
  if (!signing.ok) throw new ConfigError(signing.variable, signing.problem);
  const emulatorFormat = oneOf(env, "EMULATOR_FORMAT", ["envelope", "aws"] as const, "envelope");
  const emulatorCredentials = readEmulatorCredentials(env, emulatorFormat);
  if (upstreamUrl === null && emulatorCredentials !== null && signing.region === null) {
    throw new ConfigError(
      "EMULATOR_ACCESS_KEY_ID",
      "the embedded emulator checks signatures, but the gateway does not sign: also set UPSTREAM_AUTH=sigv4, AWS_REGION and AWS credentials",
    );
  }

  const authMode = oneOf(env, "AUTH_MODE", ["none", "jwt", "forward"] as const, "none");
  if (authMode === "forward" && signing.region !== null) {
    throw new ConfigError(
      "AUTH_MODE",
      '"forward" sends the caller\'s Authorization header upstream, which SigV4 signing would replace; use AUTH_MODE=jwt or an envelope upstream with UPSTREAM_AUTH=none',
    );
  }
  const host = value(env, "HOST") ?? (production ? "0.0.0.0" : "127.0.0.1");
  const allowUnauthenticated = boolean(env, "ALLOW_UNAUTHENTICATED", false);
  if (authMode === "none" && !isLoopbackHost(host) && upstreamUrl !== null && !allowUnauthenticated) {
    throw new ConfigError(
      "AUTH_MODE",
      `"none" on the non-loopback HOST ${host} lets anyone reach the upstream; set HOST=127.0.0.1 or ALLOW_UNAUTHENTICATED=true`,
    );
  }

  return {
    production,
    port: integer(env, "PORT", 4000, 0, 65535),
    host,
    upstreamUrl,
    upstreamTimeoutMs: integer(env, "UPSTREAM_TIMEOUT_MS", 10_000, 1, 600_000),
    upstreamMaxAttempts: integer(env, "UPSTREAM_MAX_ATTEMPTS", 3, 1, 10),
    upstreamConcurrency: integer(env, "UPSTREAM_CONCURRENCY", 8, 1, 256),
    upstreamBreaker: {
      failures: integer(env, "UPSTREAM_BREAKER_FAILURES", DEFAULT_BREAKER.failures, 0, 1_000_000),
      cooldownMs: integer(env, "UPSTREAM_BREAKER_COOLDOWN_MS", DEFAULT_BREAKER.cooldownMs, 1, 3_600_000),
    },
    upstreamAuth,
    upstreamSigningRegion: signing.region,
    authMode,
    jwt: authMode === "jwt" ? readJwtConfig(env) : null,
    allowUnauthenticated,
    graphiql: boolean(env, "GRAPHIQL", !production),
    introspection: boolean(env, "INTROSPECTION", !production),
    fieldSuggestions: boolean(env, "FIELD_SUGGESTIONS", !production),
    maxBodyBytes: integer(env, "MAX_BODY_BYTES", 1_048_576, 1024, 104_857_600),
    fastPath: boolean(env, "FAST_PATH", true),
    compileAfter: integer(env, "COMPILE_AFTER", 3, 0, 1_000_000),
    measureWithout: readMeasureWithout(env),
    batchLimit: integer(env, "BATCH_LIMIT", 0, 0, 1000),
    limits: readDocumentLimits(env),
    shutdownTimeoutMs: integer(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000),
    corsOrigins: readCorsOrigins(env, production),
    emulatorFormat,
    emulatorCredentials,
    tracing: readTracing(env),
    trustedDocuments: readTrustedDocumentsConfig(env, production),
    sharePolicy: readSharePolicyFiles(env),
    auditLog: readAuditLogTarget(env),
  };
}

/**
 * The parts of the request path MEASURE_WITHOUT can leave out, one plugin or
 * writer each: the bench's attribution switches them off one at a time to
 * measure what each costs. A gateway without them is not a product.
 */
export const MEASURABLE_PARTS = [
  "request-id",
  "cors",
  "metrics",
  "readiness",
  "request-log",
  "csrf",
  "batch-limit",
  "batch-position",
  "document-limits",
  "schema-disclosure",
  "operation-record",
  "federated-trace",
  "error-status",
  "audit",
] as const;
export type MeasurablePart = (typeof MEASURABLE_PARTS)[number];

function readMeasureWithout(env: Env): MeasurablePart[] {
  const raw = value(env, "MEASURE_WITHOUT");
  if (raw === undefined) return [];
  const parts = raw.split(",").map((p) => p.trim()).filter(Boolean);
  const unknown = parts.filter((p) => !(MEASURABLE_PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new ConfigError("MEASURE_WITHOUT", `unknown part ${unknown.join(", ")}; known: ${MEASURABLE_PARTS.join(", ")}`);
  return [...new Set(parts)] as MeasurablePart[];
}

function readTracing(env: Env): TracingSettings | null {
  const tracing = readTracingSettings(env);
  if (!tracing.ok) throw new ConfigError(tracing.variable, tracing.problem);
  return tracing.settings;
}

/** TRUSTED_DOCUMENTS (comma-separated manifest paths) and TRUSTED_DOCUMENTS_ONLY. */
function readTrustedDocumentsConfig(env: Env, production: boolean): TrustedDocumentsConfig | null {
  const raw = value(env, "TRUSTED_DOCUMENTS");
  if (raw === undefined) {
    if (boolean(env, "TRUSTED_DOCUMENTS_ONLY", false)) {
      throw new ConfigError("TRUSTED_DOCUMENTS_ONLY", "true needs TRUSTED_DOCUMENTS (the manifest files of the documents that may run)");
    }
    return null;
  }
  const files = raw.split(",").map((f) => f.trim());
  if (files.some((f) => f === "")) throw new ConfigError("TRUSTED_DOCUMENTS", `has an empty entry: "${raw}"`);
  const missing = files.find((f) => !isRegularFile(f));
  if (missing !== undefined) throw new ConfigError("TRUSTED_DOCUMENTS", `${missing} is not a readable file`);
  return { files, only: boolean(env, "TRUSTED_DOCUMENTS_ONLY", production) };
}

export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** EMULATOR_ACCESS_KEY_ID and EMULATOR_SECRET_ACCESS_KEY: both or neither, and only for the aws format. */
export function readEmulatorCredentials(env: Env, format: EmulatorFormat): EmulatorCredentials | null {
  const accessKeyId = value(env, "EMULATOR_ACCESS_KEY_ID");
  const secretAccessKey = value(env, "EMULATOR_SECRET_ACCESS_KEY");
  if (accessKeyId === undefined && secretAccessKey === undefined) return null;
  if (accessKeyId === undefined) throw new ConfigError("EMULATOR_ACCESS_KEY_ID", "is required with EMULATOR_SECRET_ACCESS_KEY");
  if (secretAccessKey === undefined) throw new ConfigError("EMULATOR_SECRET_ACCESS_KEY", "is required with EMULATOR_ACCESS_KEY_ID");
  if (format !== "aws") {
    throw new ConfigError("EMULATOR_ACCESS_KEY_ID", "signatures are only checked with EMULATOR_FORMAT=aws (the envelope wire is unsigned)");
  }
  return { accessKeyId, secretAccessKey };
}

export interface EmulatorConfig {
  port: number;
  host: string;
  format: EmulatorFormat;
  credentials: EmulatorCredentials | null;
}

export function readEmulatorConfig(env: Env): EmulatorConfig {
  const format = oneOf(env, "EMULATOR_FORMAT", ["envelope", "aws"] as const, "envelope");
  return {
    port: integer(env, "EMULATOR_PORT", 4010, 0, 65535),
    host: value(env, "EMULATOR_HOST") ?? "127.0.0.1",
    format,
    credentials: readEmulatorCredentials(env, format),
  };
}

// Caller authentication, document limits and browser origins (issue 5).

export interface JwtConfig {
  /** Exactly one of jwksUrl (asymmetric keys) and secret (HS256, for development) is set. */
  jwksUrl: string | null;
  secret: string | null;
  issuer: string | null;
  audience: string | null;
  readScope: string;
  writeScope: string;
}

export interface DocumentLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxWriteFields: number;
}

function jwksUrl(env: Env): string | null {
  const raw = value(env, "JWT_JWKS_URL");
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("JWT_JWKS_URL", `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError("JWT_JWKS_URL", "must use http or https");
  if (url.username !== "" || url.password !== "") throw new ConfigError("JWT_JWKS_URL", "must not carry credentials");
  return url.toString();
}

function scopeName(env: Env, name: string, fallback: string): string {
  const scope = value(env, name) ?? fallback;
  if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
    throw new ConfigError(name, `must be one scope token (printable ASCII, no spaces or quotes), got "${scope}"`);
  }
  return scope;
}

function readJwtConfig(env: Env): JwtConfig {
  const url = jwksUrl(env);
  // Secrets are never echoed, not even in configuration errors.
  const secret = env.JWT_SECRET === undefined || env.JWT_SECRET === "" ? null : env.JWT_SECRET;
  if (url !== null && secret !== null) {
    throw new ConfigError("JWT_SECRET", "set either JWT_JWKS_URL or JWT_SECRET for AUTH_MODE=jwt, not both");
  }
  if (url === null && secret === null) {
    throw new ConfigError("JWT_JWKS_URL", "AUTH_MODE=jwt needs JWT_JWKS_URL (or JWT_SECRET for development)");
  }
  return {
    jwksUrl: url,
    secret,
    issuer: value(env, "JWT_ISSUER") ?? null,
    audience: value(env, "JWT_AUDIENCE") ?? null,
    readScope: scopeName(env, "JWT_READ_SCOPE", "workload-shares:read"),
    writeScope: scopeName(env, "JWT_WRITE_SCOPE", "workload-shares:write"),
  };
}

function readDocumentLimits(env: Env): DocumentLimits {
  return {
    maxDepth: integer(env, "MAX_DEPTH", 12, 1, 1000),
    maxAliases: integer(env, "MAX_ALIASES", 15, 0, 10_000),
    maxTokens: integer(env, "MAX_TOKENS", 2000, 10, 1_000_000),
    maxDirectives: integer(env, "MAX_DIRECTIVES", 10, 0, 10_000),
    maxWriteFields: integer(env, "MAX_WRITE_FIELDS", 10, 1, 1000),
  };
}

/** Browser origins as `scheme://host[:port]`; "*" (any origin) only in development. */
function readCorsOrigins(env: Env, production: boolean): string[] | null {
  const raw = value(env, "CORS_ORIGINS");
  if (raw === undefined) return null;
  const origins = raw.split(",").map((o) => o.trim()).filter((o) => o !== "");
  for (const origin of origins) {
    if (origin === "*") {
      if (production) throw new ConfigError("CORS_ORIGINS", '"*" (any origin) is allowed only in development; list the origins');
      continue;
    }
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (parsed === null || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.origin !== origin.replace(/\/$/, "").toLowerCase()) {
      throw new ConfigError("CORS_ORIGINS", `"${origin}" is not an origin like https://app.example.com`);
    }
  }
  return origins.map((o) => (o === "*" ? o : new URL(o).origin));
}

// Who may share what with whom, and the audit trail (issue 12).

export interface SharePolicyFiles {
  /** SHARE_POLICY: the Cedar policies (.cedar). */
  policy: string;
  /** SHARE_POLICY_ENTITIES: Cedar entities JSON; null: no entities. */
  entities: string | null;
  /** SHARE_POLICY_SCHEMA: a Cedar schema the policies are validated against (strict); null: none. */
  schema: string | null;
}

/** "stdout", or the path of a file the lines are appended to. */
export type AuditLogTarget = { kind: "stdout" } | { kind: "file"; path: string };

function readSharePolicyFiles(env: Env): SharePolicyFiles | null {
  const policy = value(env, "SHARE_POLICY");
  const entities = value(env, "SHARE_POLICY_ENTITIES") ?? null;
  const schema = value(env, "SHARE_POLICY_SCHEMA") ?? null;
  if (policy === undefined) {
    // Without a policy they would be ignored: say so rather than run without the policy the operator meant.
    if (entities !== null) throw new ConfigError("SHARE_POLICY_ENTITIES", "is set but SHARE_POLICY is not (set the policy file too)");
    if (schema !== null) throw new ConfigError("SHARE_POLICY_SCHEMA", "is set but SHARE_POLICY is not (set the policy file too)");
    return null;
  }
  return { policy, entities, schema };
}

function readAuditLogTarget(env: Env): AuditLogTarget {
  const raw = value(env, "AUDIT_LOG");
  return raw === undefined || raw === "stdout" ? { kind: "stdout" } : { kind: "file", path: raw };
}
