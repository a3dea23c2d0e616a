// The gateway configurations the bench can run side by side in one run.
// `production` always runs; `npm run bench -- --config NAME` adds another
// (repeat the option or separate names with commas). Each entry starts the
// same `npm start` command with environment overrides on top of the bench's
// production environment (a value of null removes a variable) and, where
// given, other V8 flags. To measure a new feature switched on, add a row:
//
//   tracing: {
//     description: "production + OpenTelemetry export",
//     env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" },
//   },
//
// and run `npm run bench -- --config tracing`: its figures appear as one more
// column, as ratios to the plain yoga build measured in the same rounds.

import { readFileSync } from "node:fs";
import { MEASURABLE_PARTS, type MeasurablePart } from "../../src/config.js";

/**
 * package.json's `start` script split into node's V8 flags and the rest
 * (`exec node <flags> dist/main.js`; `exec` lets npm's SIGTERM reach node
 * itself instead of the shell npm runs it in).
 */
export function startScript(): { flags: string[]; rest: string[] } {
  const { scripts } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
  const [node, ...args] = scripts.start.trim().replace(/^exec\s+/, "").split(/\s+/);
  if (node !== "node") throw new Error(`unexpected start script: ${scripts.start}`);
  return { flags: args.filter((a) => a.startsWith("--")), rest: args.filter((a) => !a.startsWith("--")) };
}

const START_FLAGS = startScript().flags;
const SYNC_JIT = "--no-concurrent-recompilation";
const without = (flag: string): string[] => START_FLAGS.filter((f) => f !== flag);
/** The start script's flags with `--name=value` in place of its own value of that flag. */
const withValue = (name: string, value: number): string[] => START_FLAGS.map((f) => (f.startsWith(`${name}=`) ? `${name}=${value}` : f));
const withSemiSpace = (mib: number): string[] => withValue("--max-semi-space-size", mib);
const withHeapGrowing = (percent: number): string[] => withValue("--heap-growing-percent", percent);

export interface GatewayConfiguration {
  description: string;
  /** Environment overrides on top of the bench's production environment; null unsets a variable. */
  env?: Record<string, string | null>;
  /** V8 flags instead of those of package.json's start script (e.g. [] for none). */
  nodeFlags?: string[];
  /** Another entry script instead of the start script's dist/main.js (another build of the code). */
  script?: string;
  /**
   * Whether the bench proves production settings before measuring (a request
   * without a token gets 401, a document over MAX_DEPTH a 4xx). Default true;
   * set false only for a configuration that switches auth or limits off on purpose.
   */
  proveProductionSettings?: boolean;
}

export const PRODUCTION = "production";

export const CONFIGURATIONS: Record<string, GatewayConfiguration> = {
  [PRODUCTION]: {
    description: "npm start as shipped: NODE_ENV=production, AUTH_MODE=jwt (HS256), limits, CSRF, metrics, request log",
  },
  policy: {
    description:
      "production + a Cedar share policy (policy/examples/own-team, validated against policy/schema.cedarschema); " +
      "the bench repeats one request, so after the first it measures a remembered decision",
    env: {
      SHARE_POLICY: "policy/examples/own-team/policy.cedar",
      SHARE_POLICY_ENTITIES: "policy/examples/own-team/entities.json",
      SHARE_POLICY_SCHEMA: "policy/schema.cedarschema",
    },
  },
  "yoga-pipeline": {
    description: "production with FAST_PATH=false: every request through yoga's Fetch adapter and full HTTP pipeline (what the fast path buys)",
    env: { FAST_PATH: "false" },
  },
  "tools-executor": {
    description: "production with COMPILE_AFTER=0: every execution through yoga's executor, none compiled by graphql-jit (what compiled execution buys)",
    env: { COMPILE_AFTER: "0" },
  },
  "other-build": {
    description:
      "production from dist-other/main.js: another build of the code, for an A/B of a code change in one run " +
      "(build the variant, `cp -r dist dist-other`, go back to the code under test; npm run bench builds dist/ again)",
    script: "dist-other/main.js",
  },
  "semi-space-4": {
    description: "production with a 4 MiB young-generation semi-space instead of the start script's 8: memory against CPU",
    nodeFlags: withSemiSpace(4),
  },
  "semi-space-2": {
    description: "production with a 2 MiB young-generation semi-space instead of the start script's 8: memory against CPU",
    nodeFlags: withSemiSpace(2),
  },
  "heap-growing-60": {
    description: "production with --heap-growing-percent=60: the old space may grow to 1.6× what is live before a full GC (the start script had 60 until 2026-12-04; it has 40)",
    nodeFlags: withHeapGrowing(60),
  },
  "heap-growing-25": {
    description: "production with --heap-growing-percent=25: the old space may grow to 1.25× what is live before a full GC (the start script has 40)",
    nodeFlags: withHeapGrowing(25),
  },
  "concurrent-jit": {
    description:
      "production with V8's optimizing compilers on background threads (the start script's heap flags without " +
      "--no-concurrent-recompilation): on a busy core Maglev's jobs pile up at warm-up and the memory they held stays with the allocator",
    nodeFlags: without(SYNC_JIT),
  },
  "no-maglev": {
    description: "production with V8's Maglev tier off instead of the optimizing compilers on the main thread: the other way out of the pile-up",
    nodeFlags: ["--no-maglev", ...without(SYNC_JIT)],
  },
  "single-threaded-gc": {
    description:
      "production with --single-threaded-gc: V8's scavenges and marking on the main thread only, no GC helper threads " +
      "(which, on a server given one core, compete with the main thread for it)",
    nodeFlags: [...START_FLAGS, "--single-threaded-gc"],
  },
  "no-heap-flags": {
    description: "production without any of the start script's V8 flags (concurrent compilers, V8's default heap sizing): the price of the flags in CPU, tails and memory",
    nodeFlags: [],
  },
};

/** What each part MEASURE_WITHOUT can leave out does on every request. */
const PART_ROLES: Record<MeasurablePart, string> = {
  "request-id": "use-request-id: the X-Request-Id read or made, echoed and sent upstream",
  cors: "use-cors: the CORS policy's headers",
  metrics: "use-metrics: the Prometheus request metrics",
  readiness: "use-readiness: /health and /readiness",
  "request-log": "use-request-log: the JSON log line per request",
  csrf: "yoga's CSRF prevention plugin",
  "batch-limit": "use-batch-limit (BATCH_LIMIT)",
  "batch-position": "use-batch-position: each operation's batch index for client tokens",
  "document-limits": "use-document-limits: graphql-armor's depth/alias/token/directive rules and MAX_WRITE_FIELDS",
  "schema-disclosure": "use-schema-disclosure: introspection and field suggestions off in production",
  "operation-record": "use-operation-record: operation names, root fields and result types for the log and metrics",
  "federated-trace": "use-federated-trace: ftv1 for Apollo routers that ask",
  "error-status": "use-error-status: the HTTP status of error results",
  audit: "the audit trail's line per mutation field",
};

/** AUTH_MODE=none, with the bench's JWT settings removed. */
const NO_CALLER_AUTH = { AUTH_MODE: "none", JWT_SECRET: null, JWT_ISSUER: null, JWT_AUDIENCE: null };

/**
 * `npm run bench -- --attribute`: the production configuration with one part
 * left out each, and the fast path and heap flags switched off; each runs
 * beside a production twin, and what a part costs is the share of the twin's
 * CPU per request the row saves, round by round.
 */
export const ATTRIBUTION: Record<string, GatewayConfiguration> = {
  ...Object.fromEntries(
    MEASURABLE_PARTS.map((part) => [
      `without-${part}`,
      { description: `MEASURE_WITHOUT=${part}: ${PART_ROLES[part]}`, env: { MEASURE_WITHOUT: part }, proveProductionSettings: false },
    ]),
  ),
  "without-caller-auth": {
    description: "AUTH_MODE=none: no bearer-token verification (the verified-token cache's hit on every request)",
    env: NO_CALLER_AUTH,
    proveProductionSettings: false,
  },
  "without-every-part": {
    description: "every part above left out at once and AUTH_MODE=none: what the features cost together, and the floor of yoga, envelop and the fast path",
    env: { MEASURE_WITHOUT: MEASURABLE_PARTS.join(","), ...NO_CALLER_AUTH },
    proveProductionSettings: false,
  },
  "yoga-pipeline": CONFIGURATIONS["yoga-pipeline"]!,
  "concurrent-jit": CONFIGURATIONS["concurrent-jit"]!,
  "no-heap-flags": CONFIGURATIONS["no-heap-flags"]!,
};

/** `production` first, then the named extra configurations in the order given; an unknown name throws. */
export function selectConfigurations(names: readonly string[]): string[] {
  const requested = names.flatMap((n) => n.split(",")).map((n) => n.trim()).filter(Boolean);
  const unknown = requested.filter((n) => !(n in CONFIGURATIONS) && !(n in ATTRIBUTION));
  if (unknown.length > 0) {
    throw new Error(`unknown bench configuration ${unknown.join(", ")}; known: ${[...new Set([...Object.keys(CONFIGURATIONS), ...Object.keys(ATTRIBUTION)])].join(", ")}`);
  }
  return [...new Set([PRODUCTION, ...requested])];
}

/** The process environment with a configuration's overrides applied. */
export function applyOverrides(base: Record<string, string | undefined>, overrides: Record<string, string | null> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
  return env;
}
