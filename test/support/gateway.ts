// Starts the real gateway (yoga + node:http on loopback) in front of any upstream URL.
import type { Config } from "../../src/config.js";
import { createGateway, type Gateway, type GatewayConfig, type GatewayServices } from "../../src/server/gateway.js";
import { listen } from "../../src/server/http-server.js";
import { UpstreamClient } from "../../src/upstream/client.js";
import type { CircuitBreakerOptions } from "../../src/upstream/circuit-breaker.js";
import type { RequestSigner } from "../../src/upstream/signing.js";

export interface TestGateway {
  url: string;
  /** The gateway itself (its fast path's counts, its metrics registry). */
  gateway: Gateway;
  close(): Promise<void>;
}

export interface TestGatewayOptions extends Partial<GatewayConfig> {
  timeoutMs?: number;
  maxAttempts?: number;
  /** Signs every upstream attempt (SigV4), as `npm start` does for an AWS upstream. */
  signer?: RequestSigner;
  /** UPSTREAM_BREAKER_FAILURES / UPSTREAM_BREAKER_COOLDOWN_MS (default: the contract's 20 and 5000). */
  breaker?: CircuitBreakerOptions;
  /** Log writer, metrics, token verifier, upstream probe timing, audit writer (default: the production ones, logs and audit lines discarded). */
  services?: GatewayServices;
}

export async function startGateway(upstreamUrl: string, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const upstream = new UpstreamClient({
    baseUrl: upstreamUrl,
    timeoutMs: options.timeoutMs ?? 2000,
    maxAttempts: options.maxAttempts ?? 3,
    signer: options.signer,
    breaker: options.breaker,
  });
  const { services, timeoutMs: _timeout, maxAttempts: _attempts, breaker: _breaker, signer: _signer, ...overrides } = options;
  const config: GatewayConfig = {
    production: false,
    graphiql: false,
    batchLimit: 0,
    upstreamConcurrency: 8,
    corsOrigins: null,
    authMode: "none",
    jwt: null,
    limits: { maxDepth: 12, maxAliases: 15, maxTokens: 2000, maxDirectives: 10, maxWriteFields: 10 },
    introspection: true,
    fieldSuggestions: true,
    maxBodyBytes: 1_048_576,
    // FAST_PATH=false in the environment: the HTTP-level tests run again on yoga's full pipeline (vitest.config.ts).
    fastPath: process.env.FAST_PATH !== "false",
    // COMPILE_AFTER=1 in the fast-path project: every execution runs compiled by graphql-jit (vitest.config.ts).
    compileAfter: Number(process.env.COMPILE_AFTER ?? 3),
    measureWithout: [],
    trustedDocuments: null,
    sharePolicy: null,
    auditLog: { kind: "stdout" },
    ...overrides,
  } satisfies Partial<Config>;
  const gateway = await createGateway(config, upstream, { log: () => {}, audit: () => {}, ...services });
  const http = await listen(gateway, 0, "127.0.0.1", { log: () => {} });
  return {
    url: `http://127.0.0.1:${http.port}/graphql`,
    gateway,
    async close() {
      await http.drain(1000);
      await gateway.dispose(); // stops the upstream probe and any watched manifests or share policy
      await upstream.close();
    },
  };
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** A real GraphQL-over-HTTP POST. */
export async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as GraphQLResponse["body"] };
}
