// The upstream REST client: one keep-alive undici pool, per-attempt deadlines,
// retries of what the contract calls retryable with the same request (and so
// the same client token), a 1 MiB answer limit. Returns results, never throws.
// With a signer, every attempt carries the SDK's headers and a fresh SigV4
// signature, and a refusal from a server whose clock is 4+ minutes off is
// tried once more with the corrected time (as the SDK does). Retries are paid
// from a retry budget (retry-budget.ts) and every attempt passes a circuit
// breaker first (circuit-breaker.ts); both are shared by all calls.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import { AttemptSignal } from "./attempt-signal.js";
import type { Pool } from "undici";
import { decodeUpstreamResponse, headerValue, upstreamRequestId } from "../wire/decode.js";
import { makeFailure, type UpstreamFailure, type UpstreamResult } from "../wire/failure.js";
import { isRetryable } from "../wire/error-mapping.js";
import { nextRetryDelayMs } from "./backoff.js";
import { breakerOutcome, CIRCUIT_REFUSED, CircuitBreaker, DEFAULT_BREAKER, type CircuitBreakerOptions } from "./circuit-breaker.js";
import { RETRY_COST, RetryBudget, THROTTLING_RETRY_COST } from "./retry-budget.js";
import { buildRestRequest, formatQuery, type InputOf, type OperationName, type OutputOf, type RestRequest } from "./operations.js";
import { SigningClock } from "./signing-clock.js";
import { UndiciPool } from "./undici-pool.js";
import { exchange } from "./exchange.js";
import type { RequestSigner } from "./signing.js";

export const MAX_RESPONSE_BYTES = 1024 * 1024;

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };
/** Our own product token where the SDK sends `aws-sdk-js/<version>`. */
export const AWS_USER_AGENT = `workload-share-gateway/${version}`;

export interface UpstreamClientOptions {
  baseUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  /** Keep-alive connections to the upstream. */
  connections?: number;
  /** Signs every attempt (SigV4 for the AWS service); without it requests go unsigned. */
  signer?: RequestSigner;
  /** UPSTREAM_BREAKER_FAILURES and UPSTREAM_BREAKER_COOLDOWN_MS (default: the contract's 20 and 5000). */
  breaker?: CircuitBreakerOptions;
}

export interface AttemptInfo {
  operation: OperationName;
  attempt: number;
  durationMs: number;
  httpStatus: number | null;
  /** Set when this attempt failed: its code. */
  failureCode: string | null;
}

export interface CallOptions {
  /** Aborts the upstream call when the GraphQL client goes away. */
  signal?: AbortSignal;
  /** Extra request headers (already filtered by the caller). */
  headers?: Record<string, string>;
  onAttempt?: (info: AttemptInfo) => void;
  /** Called when a failed attempt is about to be retried, with that attempt's info. */
  onRetry?: (info: AttemptInfo & { clockSkew: boolean }) => void;
  /** Called when a failed attempt would have been retried but the retry budget could not pay for it. */
  onRetryDenied?: (info: AttemptInfo) => void;
  /** Called as each attempt starts (tracing: one span per attempt); its headers go out with that attempt. */
  traceAttempt?: (start: AttemptStart) => AttemptTrace;
}

export interface AttemptStart {
  operation: OperationName;
  method: RestRequest["method"];
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
}

export interface AttemptTrace {
  /** Sent with this attempt, replacing the caller's headers of the same name (e.g. traceparent). */
  headers: Record<string, string>;
  /** Called once when the attempt is over: the answer's status and request ID, or no answer. */
  end(outcome: AttemptEnd): void;
}

export interface AttemptEnd {
  /** null: no answer (timeout, connection failure, abandoned, nothing sent). */
  httpStatus: number | null;
  /** x-amzn-requestid, else x-request-id, of the answer. */
  requestId: string | null;
  /** Set when this attempt failed: its code. */
  failureCode: string | null;
}

export type CallResult<T> = UpstreamResult<T> & { attempts: number };

const ABORTED_CODE = "UPSTREAM_ABORTED";

/**
 * The result with its attempt count. Not `{ ...result, attempts }`: on Node 20
 * (V8 11.3) a property added to an object spread's copy costs about a
 * microsecond (20 ns on Node 24), and this runs for every call; the same holds
 * for the other copies on the request path (Object.assign onto a new object
 * has no such cost).
 */
function withAttempts<T>(result: UpstreamResult<T>, attempts: number): CallResult<T> {
  return result.ok
    ? { ok: true, value: result.value, requestId: result.requestId, attempts }
    : { ok: false, failure: result.failure, attempts };
}

/** What one logical call shares across its attempts. */
interface CallState {
  attempt: number;
  /** amz-sdk-invocation-id: one UUID per call, the same on every attempt. */
  invocationId: string;
}

interface AttemptOutcome<T> {
  result: UpstreamResult<T>;
  /** This attempt's answer showed the server's clock 4+ minutes from our signing clock. */
  clockSkewCorrected: boolean;
  /** The answer's status and headers; absent when no complete answer came. */
  answer?: { status: number; headers: UpstreamResponseHeaders };
}

type UpstreamResponseHeaders = Parameters<typeof upstreamRequestId>[0];

export class UpstreamClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly url: URL;
  /** The server's clock as seen in its answers; only used when signing. */
  readonly clock = new SigningClock();
  /** Pays for retries; shared by every call to this upstream. */
  readonly retryBudget = new RetryBudget();
  readonly circuitBreaker: CircuitBreaker;

  constructor(private readonly options: UpstreamClientOptions) {
    this.circuitBreaker = new CircuitBreaker(options.breaker ?? DEFAULT_BREAKER);
    const url = new URL(options.baseUrl);
    this.url = url;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.pool = new UndiciPool(url.origin, {
      connections: options.connections ?? 64,
      keepAliveTimeout: 10_000,
      // Our own per-attempt deadline covers headers and body together.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  get origin(): string {
    return new URL(this.options.baseUrl).origin;
  }

  async call<N extends OperationName>(name: N, input: InputOf<N>, options: CallOptions = {}): Promise<CallResult<OutputOf<N>>> {
    const { timeoutMs, maxAttempts } = this.options;
    const deadline = Date.now() + timeoutMs * maxAttempts;
    // The invocation ID is only sent on signed (AWS) requests.
    const state: CallState = { attempt: 0, invocationId: this.options.signer ? randomUUID() : "" };
    let clockSkewRetried = false;
    /** What the retry about to be sent cost the budget (0 for the first attempt). */
    let retryCost = 0;
    for (;;) {
      const admission = this.circuitBreaker.admit();
      if (admission === CIRCUIT_REFUSED) {
        // Nothing is sent: a paid retry that meets an open breaker gets its tokens back.
        this.retryBudget.release(retryCost);
        return { ok: false, failure: this.circuitBreaker.openFailure(), attempts: state.attempt };
      }
      const attempt = ++state.attempt;
      const started = performance.now();
      const perAttempt = Math.max(1, Math.min(timeoutMs, deadline - Date.now()));
      let outcome: AttemptOutcome<OutputOf<N>>;
      try {
        outcome = await this.attempt(name, input, perAttempt, options, state);
      } catch (error) {
        this.circuitBreaker.record(admission, "neutral");
        throw error;
      }
      const { result, clockSkewCorrected } = outcome;
      this.circuitBreaker.record(admission, breakerOutcome(result));
      const info: AttemptInfo = {
        operation: name,
        attempt,
        durationMs: performance.now() - started,
        httpStatus: result.ok ? 200 : result.failure.httpStatus,
        failureCode: result.ok ? null : result.failure.code,
      };
      options.onAttempt?.(info);
      if (result.ok) {
        this.retryBudget.recordSuccess(retryCost);
        return withAttempts(result, attempt);
      }
      // A refusal signed with a skewed clock is worth one more try, whatever its status.
      const clockSkewRetry = clockSkewCorrected && !clockSkewRetried;
      if ((!result.failure.retryable && !clockSkewRetry) || attempt >= maxAttempts || options.signal?.aborted) {
        return withAttempts(result, attempt);
      }
      if (clockSkewRetry) clockSkewRetried = true;
      const delay = nextRetryDelayMs(attempt, result.failure.retryAfterSeconds, deadline - Date.now());
      if (delay === null) return withAttempts(result, attempt);
      retryCost = result.failure.kind === "throttling" ? THROTTLING_RETRY_COST : RETRY_COST;
      if (!this.retryBudget.tryAcquire(retryCost)) {
        options.onRetryDenied?.(info);
        return withAttempts(result, attempt);
      }
      options.onRetry?.(Object.assign({ clockSkew: clockSkewRetry }, info));
      try {
        await sleep(delay, undefined, { signal: options.signal });
      } catch {
        this.retryBudget.release(retryCost);
        return withAttempts(result, attempt);
      }
    }
  }

  // Not async: an untraced attempt is the send itself, with no promise around it.
  private attempt<N extends OperationName>(
    name: N,
    input: InputOf<N>,
    timeoutMs: number,
    options: CallOptions,
    state: CallState,
  ): Promise<AttemptOutcome<OutputOf<N>>> {
    const rest = buildRestRequest(name, input);
    if (options.traceAttempt === undefined) return this.send(name, input, rest, timeoutMs, options, state);
    return this.tracedAttempt(name, input, rest, timeoutMs, options, state, options.traceAttempt);
  }

  private async tracedAttempt<N extends OperationName>(
    name: N,
    input: InputOf<N>,
    rest: RestRequest,
    timeoutMs: number,
    options: CallOptions,
    state: CallState,
    traceAttempt: NonNullable<CallOptions["traceAttempt"]>,
  ): Promise<AttemptOutcome<OutputOf<N>>> {
    const trace = traceAttempt({ operation: name, method: rest.method, attempt: state.attempt });
    const outcome = await this.send(name, input, rest, timeoutMs, { ...options, headers: { ...options.headers, ...trace.headers } }, state);
    trace.end({
      httpStatus: outcome.answer?.status ?? null,
      requestId: outcome.answer ? upstreamRequestId(outcome.answer.headers) : null,
      failureCode: outcome.result.ok ? null : outcome.result.failure.code,
    });
    return outcome;
  }

  /** One attempt on the wire. */
  private async send<N extends OperationName>(
    name: N,
    input: InputOf<N>,
    rest: RestRequest,
    timeoutMs: number,
    options: CallOptions,
    state: CallState,
  ): Promise<AttemptOutcome<OutputOf<N>>> {
    const path = this.basePath + rest.path;
    const signal = new AttemptSignal();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signal.abort();
    }, timeoutMs);
    const onClientAbort = (): void => signal.abort();
    options.signal?.addEventListener("abort", onClientAbort, { once: true });
    if (options.signal?.aborted) signal.abort();

    let clockSkewCorrected = false;
    try {
      const headers = this.options.signer ? await this.signedHeaders(this.options.signer, rest, path, state, options) : unsignedHeaders(rest, options);
      const sentAt = Date.now();
      const answer = await exchange(
        this.pool,
        { method: rest.method, path: path + formatQuery(rest.query), headers, body: rest.body ?? undefined },
        MAX_RESPONSE_BYTES,
        signal,
      );
      const { status, headers: answerHeaders, body } = answer;
      if (this.options.signer) {
        clockSkewCorrected = this.clock.observe(headerValue(answerHeaders, "date"), headerValue(answerHeaders, "age"), sentAt);
      }
      if (body === null) {
        const failure = makeFailure("upstream", "UPSTREAM_RESPONSE_TOO_LARGE", "The upstream's answer exceeded 1 MiB", {
          httpStatus: status,
          requestId: upstreamRequestId(answerHeaders),
          retryable: isRetryable("upstream", "UPSTREAM_RESPONSE_TOO_LARGE", status),
        });
        return { result: { ok: false, failure }, clockSkewCorrected, answer };
      }
      return { result: decodeUpstreamResponse(name, input, { status, headers: answerHeaders, body }), clockSkewCorrected, answer };
    } catch (error) {
      if (error instanceof SigningError) return { result: { ok: false, failure: error.failure }, clockSkewCorrected: false };
      return { result: { ok: false, failure: noAnswer(timedOut, options.signal?.aborted === true) }, clockSkewCorrected };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onClientAbort);
    }
  }

  /**
   * A signed attempt's headers (unsigned ones: unsignedHeaders below): the
   * SDK's set (reference §8), so the signed-header list is the SDK's;
   * `accept` and `user-agent` travel unsigned, as the SDK's user-agent does.
   */
  private async signedHeaders(
    signer: RequestSigner,
    rest: RestRequest,
    path: string,
    state: CallState,
    options: CallOptions,
  ): Promise<Record<string, string>> {
    const unsigned: Record<string, string> = Object.assign({}, options.headers);
    unsigned.accept = "application/json";
    const { maxAttempts } = this.options;
    const toSign: Record<string, string> = {
      host: this.url.host,
      "amz-sdk-invocation-id": state.invocationId,
      "amz-sdk-request": `attempt=${state.attempt}; max=${maxAttempts}`,
      "x-amz-user-agent": AWS_USER_AGENT,
    };
    if (rest.body !== null) {
      toSign["content-type"] = "application/json";
      toSign["content-length"] = String(Buffer.byteLength(rest.body));
    }
    let signed: Record<string, string>;
    try {
      signed = await signer.sign(
        {
          method: rest.method,
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port === "" ? undefined : Number(this.url.port),
          path,
          query: Object.fromEntries(rest.query),
          headers: toSign,
          body: rest.body ?? undefined,
        },
        this.clock.now(),
      );
    } catch {
      // Credentials that cannot be loaded (expired and not renewable): no request goes out.
      throw new SigningError();
    }
    // Anything the caller passed under a signed name (authorization above all) is replaced.
    for (const name of Object.keys(unsigned)) if (name.toLowerCase() in signed) delete unsigned[name];
    return Object.assign(unsigned, { "user-agent": AWS_USER_AGENT }, signed);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** An unsigned attempt's headers: the caller's, accept, and content-type with a body (synchronous: no promise per attempt). */
function unsignedHeaders(rest: RestRequest, options: CallOptions): Record<string, string> {
  const headers: Record<string, string> = Object.assign({}, options.headers);
  headers.accept = "application/json";
  if (rest.body !== null) headers["content-type"] = "application/json";
  return headers;
}

class SigningError extends Error {
  readonly failure = makeFailure("upstream", "UPSTREAM_CREDENTIALS_UNAVAILABLE", "No AWS credentials to sign the upstream request with", {
    retryable: false,
  });
}

function noAnswer(timedOut: boolean, clientGone: boolean): UpstreamFailure {
  if (clientGone) {
    return makeFailure("upstream", ABORTED_CODE, "The request was cancelled by the client", { retryable: false });
  }
  return timedOut
    ? makeFailure("upstream", "UPSTREAM_TIMEOUT", "The upstream did not answer in time", { retryable: true })
    : makeFailure("upstream", "UPSTREAM_UNREACHABLE", "The upstream could not be reached", { retryable: true });
}
