// createGateway: the one place yoga is configured, from the Config.
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createYoga, type YogaLogger, type YogaServerInstance } from "graphql-yoga";
import { createJwtVerifier, type TokenVerifier } from "../auth/jwt-verifier.js";
import { auditTrail, openAuditLog } from "../audit/audit-trail.js";
import type { Config } from "../config.js";
import { openSharePolicy, type SharePolicySource } from "../policy/share-policy.js";
import { schema } from "../schema/index.js";
import type { GatewayContext } from "../schema/context.js";
import type { CallOptions, UpstreamClient } from "../upstream/client.js";
import { createShareListLoader } from "../upstream/share-list-loader.js";
import { countTokenTakingFieldsInSource } from "../schema/token-fields.js";
import { GRAPHIQL_OPTIONS, loadGraphiQLRenderer } from "./graphiql.js";
import { jsonLine, stdoutLog, type LogWriter } from "./log.js";
import { createMetrics, observeAttempt, observeRetry, type GatewayMetrics } from "./metrics.js";
import { batchPosition, useBatchPosition } from "./plugins/use-batch-position.js";
import { useBatchLimit } from "./plugins/use-batch-limit.js";
import { useCallerAuth } from "./plugins/use-caller-auth.js";
import { corsPolicy, useCors } from "./plugins/use-cors.js";
import { useDocumentLimits } from "./plugins/use-document-limits.js";
import { useErrorStatus } from "./plugins/use-error-status.js";
import { useMetrics } from "./plugins/use-metrics.js";
import { useOperationRecord } from "./plugins/use-operation-record.js";
import { useReadiness } from "./plugins/use-readiness.js";
import { useRequestBody } from "./plugins/use-request-body.js";
import { useRequestId } from "./plugins/use-request-id.js";
import { useRequestLog } from "./plugins/use-request-log.js";
import { useSchemaDisclosure } from "./plugins/use-schema-disclosure.js";
import { recordOf } from "./request-record.js";
import { upstreamHeaders } from "./upstream-headers.js";
import { createUpstreamProbe, type UpstreamProbe } from "./upstream-probe.js";

export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext>;

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
  /** The readiness check (default: any HTTP answer from the upstream base URL). */
  readiness?: UpstreamProbe;
  /** The upstream base URL the default readiness check asks (default: the upstream's origin). */
  upstreamBaseUrl?: string;
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
  const metrics = services.metrics ?? createMetrics();
  const readiness = services.readiness ?? createUpstreamProbe(services.upstreamBaseUrl ?? upstream.origin);
  // Both throw what stops startup: a ConfigError (AUDIT_LOG) or a FileLoadError naming the policy file at fault.
  const audit = auditTrail(services.audit ?? openAuditLog(config.auditLog));
  const watched = services.sharePolicy === undefined ? await openSharePolicy(config.sharePolicy) : null;
  const sharePolicy = services.sharePolicy ?? watched;
  const gateway = createYoga<Record<string, unknown>, GatewayContext>({
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
    plugins: [
      useRequestId(),
      useCors(corsPolicy(config.corsOrigins, config.production)),
      useMetrics(metrics, GRAPHQL_ENDPOINT),
      useReadiness(readiness),
      useRequestLog(services.log ?? stdoutLog),
      useCSRFPrevention(),
      useCallerAuth(tokenVerifier(config, services)),
      useRequestBody(config.maxBodyBytes),
      useBatchLimit(config.batchLimit),
      useBatchPosition(),
      useDocumentLimits(config.limits),
      useSchemaDisclosure(config),
      useOperationRecord(schema),
      useErrorStatus(),
    ],
    context: ({ request, params }): GatewayContext => {
      const record = recordOf(request);
      const callOptions: CallOptions = {
        signal: request.signal,
        headers: upstreamHeaders(request, record.requestId, config.authMode),
        onAttempt: (info) => observeAttempt(metrics, record, info),
        onRetry: (info) => observeRetry(metrics, info),
      };
      const batch = batchPosition(request, params);
      let otherTokenFields: number | undefined;
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
            .reduce((n, op) => n + countTokenTakingFieldsInSource(op.query, op.operationName), 0)),
        callOptions,
        // Created on first use: most requests (every mutation) never read a share list.
        get shareLists() {
          const loader = createShareListLoader(upstream, callOptions, config.upstreamConcurrency);
          Object.defineProperty(this, "shareLists", { value: loader });
          return loader;
        },
      };
    },
  });
  if (watched !== null) gateway.disposableStack.defer(() => watched.close());
  return gateway;
}
