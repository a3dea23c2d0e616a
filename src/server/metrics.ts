// The gateway's Prometheus metrics (contract "Operating"), one registry per
// gateway. Label values come from bounded sets (root field names of the
// schema, REST operation names, status codes), never from client text.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AttemptInfo } from "../upstream/client.js";
import type { CircuitState } from "../upstream/circuit-breaker.js";
import { afterResponse } from "./after-response.js";
import type { RequestRecord } from "./request-record.js";

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<"operation" | "result">;
  inFlight: Gauge;
  upstreamDuration: Histogram<"operation" | "status">;
  upstreamRetries: Counter<"operation" | "reason">;
  /** 1 when the last probe of the upstream base URL got an HTTP answer in time (upstream-probe.ts). */
  upstreamUp: Gauge;
  retryBudgetTokens: Gauge;
  circuitState: Gauge;
}

/** What the resilience gauges read at scrape time (the upstream client's budget and breaker). */
export interface UpstreamResilienceState {
  readonly retryBudget: { readonly tokens: number };
  readonly circuitBreaker: { readonly state: CircuitState };
}

export function createMetrics(upstream: UpstreamResilienceState): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "graphql_requests_total",
      help: "GraphQL HTTP requests by root field(s) and result (success, typed_error, rejected, unauthenticated, error)",
      labelNames: ["operation", "result"],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: "graphql_requests_in_flight",
      help: "GraphQL HTTP requests being served",
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: "upstream_request_duration_seconds",
      help: "Duration of one upstream attempt by REST operation and HTTP status (or timeout, unreachable, aborted)",
      labelNames: ["operation", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    upstreamRetries: new Counter({
      name: "upstream_retries_total",
      help: "Upstream retries by REST operation and the failure that caused them; reason=budget_exhausted: retries not made because the retry budget was empty",
      labelNames: ["operation", "reason"],
      registers: [registry],
    }),
    upstreamUp: new Gauge({
      name: "upstream_up",
      help: "1 when the last probe of the upstream base URL got any HTTP answer within 2 s, else 0",
      registers: [registry],
    }),
    // Read when scraped, so the request path never touches these gauges.
    retryBudgetTokens: new Gauge({
      name: "upstream_retry_budget_tokens",
      help: "Tokens left in the upstream retry budget (500 when full; a retry costs 5 after throttling, else 14)",
      registers: [registry],
      collect() {
        this.set(upstream.retryBudget.tokens);
      },
    }),
    circuitState: new Gauge({
      name: "upstream_circuit_state",
      help: "The upstream circuit breaker: 0 closed, 1 open, 2 half-open",
      registers: [registry],
      collect() {
        this.set(upstream.circuitBreaker.state);
      },
    }),
  };
}

const NO_ANSWER_STATUS: Record<string, string> = {
  UPSTREAM_TIMEOUT: "timeout",
  UPSTREAM_UNREACHABLE: "unreachable",
  UPSTREAM_ABORTED: "aborted",
};

/** The `status` label of one attempt: its HTTP status, or why none came. */
export function attemptStatus(info: AttemptInfo): string {
  if (info.httpStatus !== null) return String(info.httpStatus);
  return NO_ANSWER_STATUS[info.failureCode ?? ""] ?? "no_answer";
}

/** Why a failed attempt is retried: no answer, throttling, 500/502/503/504, or a corrected clock skew. */
export function retryReason(info: AttemptInfo & { clockSkew: boolean }): string {
  if (info.clockSkew) return "clock_skew";
  if (info.httpStatus === null) return attemptStatus(info);
  if ([500, 502, 503, 504].includes(info.httpStatus)) return `http_${info.httpStatus}`;
  return "throttling";
}

/**
 * Called for every upstream attempt of a request: the request's totals now,
 * the histogram once the response has gone out (the attempt ends on the
 * request's critical path, and prom-client's labelled observe costs a few µs).
 */
export function observeAttempt(metrics: GatewayMetrics, record: RequestRecord, info: AttemptInfo): void {
  record.upstream.attempts++;
  record.upstream.latencyMs += info.durationMs;
  afterResponse(() => metrics.upstreamDuration.observe({ operation: info.operation, status: attemptStatus(info) }, info.durationMs / 1000));
}

/** Called when the upstream client retries a failed attempt: counted by the reason of that very attempt. */
export function observeRetry(metrics: GatewayMetrics, info: AttemptInfo & { clockSkew: boolean }): void {
  metrics.upstreamRetries.inc({ operation: info.operation, reason: retryReason(info) });
}

/** Called for a retry not made because the retry budget could not pay for it. */
export function observeRetryDenied(metrics: GatewayMetrics, info: AttemptInfo): void {
  metrics.upstreamRetries.inc({ operation: info.operation, reason: "budget_exhausted" });
}

export type RequestResult = "success" | "typed_error" | "rejected" | "unauthenticated" | "error";

export function requestResult(status: number, record: RequestRecord): RequestResult {
  if (status === 401) return "unauthenticated";
  if (status >= 500) return "error";
  if (status >= 400 || !record.executed) return "rejected";
  if (record.errorCodes.length > 0) return "error";
  return record.resultTypes.some((name) => name.endsWith("Error")) ? "typed_error" : "success";
}

/** The `operation` label: the root fields executed, e.g. "createWorkloadShare"; "none" when nothing ran. */
export function operationLabel(record: RequestRecord): string {
  return record.rootFields.size === 0 ? "none" : [...record.rootFields].sort().join(",");
}
