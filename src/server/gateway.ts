// createGateway: the one place yoga is configured, from the Config.
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { Config } from "../config.js";
import { schema } from "../schema/index.js";
import type { GatewayContext } from "../schema/context.js";
import type { UpstreamClient } from "../upstream/client.js";
import { createShareListLoader } from "../upstream/share-list-loader.js";
import { countTokenTakingFieldsInSource } from "../schema/token-fields.js";
import { GRAPHIQL_OPTIONS, loadGraphiQLRenderer } from "./graphiql.js";
import { batchPosition, useBatchPosition } from "./plugins/use-batch-position.js";

export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext>;

export type GatewayConfig = Pick<
  Config,
  "production" | "graphiql" | "batchLimit" | "upstreamConcurrency" | "corsOrigins"
>;

function corsOptions(config: GatewayConfig) {
  const common = {
    allowedHeaders: ["content-type", "authorization", "idempotency-key", "x-request-id"],
    exposedHeaders: ["x-request-id"],
    methods: ["GET", "POST", "OPTIONS"],
  };
  if (config.corsOrigins !== null) return { ...common, origin: config.corsOrigins };
  return config.production ? false : { ...common, origin: "*" };
}

export async function createGateway(config: GatewayConfig, upstream: UpstreamClient): Promise<Gateway> {
  const renderGraphiQL = config.graphiql ? await loadGraphiQLRenderer() : undefined;
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    maskedErrors: { isDev: false },
    graphiql: config.graphiql ? GRAPHIQL_OPTIONS : false,
    renderGraphiQL,
    batching: config.batchLimit > 0 ? { limit: config.batchLimit } : false,
    cors: corsOptions(config),
    plugins: [useBatchPosition()],
    context: ({ request, params }): GatewayContext => {
      const callOptions = { signal: request.signal };
      const batch = batchPosition(request, params);
      let otherTokenFields: number | undefined;
      return {
        upstream,
        idempotencyKey: request.headers.get("idempotency-key"),
        batchIndex: batch.index,
        tokenFieldsInOtherBatchOperations: () =>
          (otherTokenFields ??= (batch.operations ?? [])
            .filter((_, i) => i !== batch.index)
            .reduce((n, op) => n + countTokenTakingFieldsInSource(op.query, op.operationName), 0)),
        callOptions,
        shareLists: createShareListLoader(upstream, callOptions, config.upstreamConcurrency),
      };
    },
  });
}
