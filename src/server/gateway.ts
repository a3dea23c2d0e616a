// createGateway: the one place yoga is configured, from the Config.
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createYoga, type YogaLogger, type YogaServerInstance } from "graphql-yoga";
import { createJwtVerifier, type TokenVerifier } from "../auth/jwt-verifier.js";
import { auditTrail, openAuditLog } from "../audit/audit-trail.js";
import { ConfigError, type Config, type MeasurablePart } from "../config.js";
import { openSharePolicy, type SharePolicySource } from "../policy/share-policy.js";
import { schema } from "../schema/index.js";
import type { GatewayContext } from "../schema/context.js";
import type { CallOptions, UpstreamClient } from "../upstream/client.js";
import { createShareListLoader } from "../upstream/share-list-loader.js";
import { countTokenTakingFieldsInSource } from "../schema/token-fields.js";
import type { Tracing } from "../tracing/tracing.js";
import { asksForFederatedTrace, useFederatedTrace } from "../tracing/use-federated-trace.js";
import { useTracing } from "../tracing/use-tracing.js";
import { createReloadable, FileLoadError, type Reloadable } from "../reload/reloadable-files.js";
import { checkWith } from "../trusted-documents/document-check.js";
import { compiledExecution, useCompiledExecution, type CompiledExecutionCounts } from "../execution/compiled-execution.js";
import { loadTrustedDocuments, type TrustedDocumentSet } from "../trusted-documents/trusted-document-set.js";
import { GRAPHIQL_OPTIONS, loadGraphiQLRenderer } from "./graphiql.js";
import { jsonLine, stdoutLog, type LogWriter } from "./log.js";
import { createMetrics, observeAttempt, observeRetry, observeRetryDenied, type GatewayMetrics } from "./metrics.js";
import { batchPosition, useBatchPosition } from "./plugins/use-batch-position.js";
import { useBatchLimit } from "./plugins/use-batch-limit.js";
import { useCallerAuth } from "./plugins/use-caller-auth.js";
import { corsPolicy, CSRF_PREVENTION_HEADERS, useCors } from "./plugins/use-cors.js";
import { useDocumentLimits } from "./plugins/use-document-limits.js";
import { useErrorStatus } from "./plugins/use-error-status.js";
import { useMetrics } from "./plugins/use-metrics.js";
import { useOperationRecord } from "./plugins/use-operation-record.js";
import { useReadiness } from "./plugins/use-readiness.js";
import { useRequestBody } from "./plugins/use-request-body.js";
import { useRequestId } from "./plugins/use-request-id.js";
import { useRequestLog } from "./plugins/use-request-log.js";
import { useSchemaDisclosure } from "./plugins/use-schema-disclosure.js";
import { operationText, useTrustedDocuments } from "./plugins/use-trusted-documents.js";
import { createFastPath, type NodeEntry } from "./fast-path/fast-path.js";
import { recordOf } from "./request-record.js";
import { upstreamHeaders } from "./upstream-headers.js";
import { startUpstreamProbe, type UpstreamProbeOptions } from "./upstream-probe.js";

export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext> & {
  /** What node:http calls for each request (http-server.ts): the fast path, or yoga's own handler. */
  readonly node: NodeEntry;
  /** How many documents were compiled and executions ran compiled (execution/compiled-execution.ts). */
  readonly compiledExecution: CompiledExecutionCounts;
};

export type GatewayConfig = Pick<
  Config,
  | "production"
  | "graphiql"
  | "batchLimit"
  | "upstreamConcurrency"
  | "corsOrigins"
  | "authMode"
  | "jwt"
  | "limits"
  | "introspection"
  | "fieldSuggestions"
  | "maxBodyBytes"
  | "fastPath"
  | "compileAfter"
  | "measureWithout"
  | "trustedDocuments"
  | "sharePolicy"
  | "auditLog"
>;

/** What the gateway uses besides its configuration; each has a production default. */
export interface GatewayServices {
  /** Where the request log lines go (default: stdout). */
  log?: LogWriter;
  metrics?: GatewayMetrics;
  /** Bearer-token verification for AUTH_MODE=jwt (default: from config.jwt). */
  verifyToken?: TokenVerifier;
  /** The upstream base URL the `upstream_up` probe asks (default: the upstream's origin). */
  upstreamBaseUrl?: string;
  /** The probe's timing (default: the contract's 2 s timeout, at most every 10 s). */
  upstreamProbe?: UpstreamProbeOptions;
  /** OpenTelemetry tracing (default: off; main.ts starts it when an OTLP endpoint is configured). */
  tracing?: Tracing | null;
  /** Where reloads of configuration files (trusted-document manifests) are reported (default: stderr). */
  reloadLog?: (line: string) => void;
  /** How often manifest files are looked at for changes (default: every second). */
  reloadPollIntervalMs?: number;
  /** How much of each second compiling may take (default: COMPILE_MS_PER_SECOND, execution/compiled-execution.ts). */
  compileMsPerSecond?: number;
  /** Where audit lines go (default: config.auditLog). */
  audit?: LogWriter;
  /** The share policy (default: config.sharePolicy's files, watched for changes; null: scopes alone). */
  sharePolicy?: SharePolicySource | null;
}

const GRAPHQL_ENDPOINT = "/graphql";

/** Yoga's own messages (masked errors, ...) as JSON lines on stderr. */
function jsonLogger(): YogaLogger {
  const write =
    (level: string) =>
    (...args: unknown[]): void => {
      const message = args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" ");
      process.stderr.write(`${jsonLine({ level, msg: message })}\n`);
    };
  const quiet = (): void => {};
  return { debug: quiet, info: quiet, warn: write("warn"), error: write("error") };
}

function tokenVerifier(config: GatewayConfig, services: GatewayServices): TokenVerifier | null {
  if (config.authMode !== "jwt") return null;
  if (services.verifyToken) return services.verifyToken;
  if (config.jwt === null) throw new Error("AUTH_MODE=jwt without JWT settings");
  return createJwtVerifier(config.jwt);
}

export async function createGateway(
  config: GatewayConfig,
  upstream: UpstreamClient,
  services: GatewayServices = {},
): Promise<Gateway> {
  const renderGraphiQL = config.graphiql ? await loadGraphiQLRenderer() : undefined;
  const metrics = services.metrics ?? createMetrics(upstream);
  const tracing = services.tracing ?? null;
  // Loaded once the gateway exists: manifest documents are checked by its own parse and validate.
  let trustedDocuments: Reloadable<TrustedDocumentSet> | undefined;
  // Both throw what stops startup: a ConfigError (AUDIT_LOG) or a FileLoadError naming the policy file at fault.
  // MEASURE_WITHOUT (the bench's attribution, never a deployment): the parts named are left out.
  const kept = (part: MeasurablePart): boolean => !config.measureWithout.includes(part);
  const audit = kept("audit") ? auditTrail(services.audit ?? openAuditLog(config.auditLog)) : () => undefined;
  const watched = services.sharePolicy === undefined ? await openSharePolicy(config.sharePolicy) : null;
  const sharePolicy = services.sharePolicy ?? watched;
  // Stopped by the gateway's dispose() (main.ts on shutdown).
  const probe = startUpstreamProbe(services.upstreamBaseUrl ?? upstream.origin, (up) => metrics.upstreamUp.set(up ? 1 : 0), services.upstreamProbe);
  const verifyToken = tokenVerifier(config, services);
  // Apollo's inline trace keys each execution's timings by its context object.
  const execution = compiledExecution(config.compileAfter, {
    needsOwnContext: (context) => asksForFederatedTrace((context as { request?: Request }).request),
    compileMsPerSecond: services.compileMsPerSecond,
  });
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    maskedErrors: { isDev: false },
    logging: jsonLogger(),
    graphiql: config.graphiql ? GRAPHIQL_OPTIONS : false,
    renderGraphiQL,
    batching: config.batchLimit > 0 ? { limit: config.batchLimit } : false,
    multipart: false,
    cors: false, // use-cors.ts
    maxRequestBodySize: false, // use-request-body.ts (names MAX_BODY_BYTES)
    // Order matters: CSRF, caller auth (401 before anything is looked at), the body limit and
    // the batch limit come before trusted documents, which decide every operation of the
    // request before any runs; the document limits then judge the trusted text as any other.
    plugins: [
      // First, so its SERVER span starts before any other plugin can answer the request.
      ...(tracing ? [useTracing(tracing, upstream.origin, GRAPHQL_ENDPOINT)] : []),
      kept("request-id") && useRequestId(),
      kept("cors") && useCors(corsPolicy(config.corsOrigins, config.production)),
      kept("metrics") && useMetrics(metrics, GRAPHQL_ENDPOINT),
      kept("readiness") && useReadiness(),
      kept("request-log") && useRequestLog(services.log ?? stdoutLog),
      kept("csrf") && useCSRFPrevention({ requestHeaders: CSRF_PREVENTION_HEADERS }),
      useCallerAuth(verifyToken),
      useRequestBody(config.maxBodyBytes),
      kept("batch-limit") && useBatchLimit(config.batchLimit),
      kept("batch-position") && useBatchPosition(),
      config.trustedDocuments !== null &&
        useTrustedDocuments({
          only: config.trustedDocuments.only,
          documents: () => {
            if (trustedDocuments === undefined) throw new Error("trusted documents used before they were loaded");
            return trustedDocuments.current;
          },
          onDispose: () => trustedDocuments?.close(),
        }),
      kept("document-limits") && useDocumentLimits(config.limits),
      kept("schema-disclosure") && useSchemaDisclosure(config),
      kept("operation-record") && useOperationRecord(schema),
      kept("federated-trace") && useFederatedTrace(),
      kept("error-status") && useErrorStatus(),
      // Replaces yoga's execute (no other plugin does): documents seen COMPILE_AFTER times run compiled.
      useCompiledExecution(execution),
      { onDispose: () => probe.stop() },
    ],
    context: (initial): GatewayContext => {
      const { request } = initial;
      const record = recordOf(request);
      const callOptions: CallOptions = {
        signal: request.signal,
        // With tracing on, each attempt's traceparent names its own span (use-tracing.ts) instead.
        headers: upstreamHeaders(request, record.requestId, config.authMode, tracing === null),
        onAttempt: (info) => observeAttempt(metrics, record, info),
        onRetry: (info) => observeRetry(metrics, info),
        onRetryDenied: (info) => observeRetryDenied(metrics, info),
      };
      const batch = batchPosition(request, initial);
      let otherTokenFields: number | undefined;
      let shareLists: ReturnType<typeof createShareListLoader> | undefined;
      return {
        caller: record.caller,
        requestId: record.requestId,
        sharePolicy,
        audit,
        upstream,
        idempotencyKey: request.headers.get("idempotency-key"),
        batchIndex: batch.index,
        tokenFieldsInOtherBatchOperations: () =>
          (otherTokenFields ??= (batch.operations ?? [])
            .filter((_, i) => i !== batch.index)
            .reduce((n, op) => n + countTokenTakingFieldsInSource(operationText(op), op.operationName), 0)),
        callOptions,
        // The loader is made on first use: most requests (every mutation) never read a share list.
        // (A getter would not do: envelop copies the context with Object.assign, which calls it.)
        shareLists: {
          load: (input) => (shareLists ??= createShareListLoader(upstream, callOptions, config.upstreamConcurrency)).load(input),
        },
      };
    },
  });
  // Traced requests (SERVER spans wrap yoga's phases) and trusted documents keep yoga's full pipeline.
  const fastPath = config.fastPath && tracing === null && config.trustedDocuments === null;
  // An object, not a function: yoga's adapter proxy hands out functions bound anew on each read.
  const node: NodeEntry = fastPath
    ? createFastPath(yoga, { graphqlEndpoint: GRAPHQL_ENDPOINT, maxBodyBytes: config.maxBodyBytes, verify: verifyToken })
    : { handle: (req, res) => void yoga(req, res), counts: null };
  const gateway: Gateway = Object.assign(yoga, { node, compiledExecution: execution.counts });
  if (config.trustedDocuments !== null) trustedDocuments = watchTrustedDocuments(config.trustedDocuments.files, gateway, services);
  if (watched !== null) gateway.disposableStack.defer(() => watched.close());
  return gateway;
}

/** Loads the manifests (a bad one is a ConfigError naming the file and the ID) and keeps them current. */
function watchTrustedDocuments(files: readonly string[], gateway: Gateway, services: GatewayServices): Reloadable<TrustedDocumentSet> {
  const check = checkWith(() => gateway.getEnveloped({}));
  try {
    return createReloadable({
      what: "trusted documents",
      files,
      load: () => loadTrustedDocuments(files, check),
      log: services.reloadLog,
      pollIntervalMs: services.reloadPollIntervalMs,
    });
  } catch (error) {
    if (error instanceof FileLoadError) throw new ConfigError("TRUSTED_DOCUMENTS", error.message);
    throw error;
  }
}
