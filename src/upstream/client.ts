// The upstream REST client: one keep-alive undici pool, per-attempt deadlines,
// retries of what the contract calls retryable with the same request (and so
// the same client token), a 1 MiB answer limit. Returns results, never throws.
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { decodeUpstreamResponse, headerValue, upstreamRequestId } from "../wire/decode.js";
import { makeFailure, type UpstreamFailure, type UpstreamResult } from "../wire/failure.js";
import { isRetryable } from "../wire/error-mapping.js";
import { nextRetryDelayMs } from "./backoff.js";
import { buildRestRequest, formatQuery, type InputOf, type OperationName, type OutputOf } from "./operations.js";

export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface UpstreamClientOptions {
  baseUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  /** Keep-alive connections to the upstream. */
  connections?: number;
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
}

export type CallResult<T> = UpstreamResult<T> & { attempts: number };

const ABORTED_CODE = "UPSTREAM_ABORTED";

export class UpstreamClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(private readonly options: UpstreamClientOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.pool = new Pool(url.origin, {
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
    let attempt = 0;
    for (;;) {
      attempt++;
      const started = performance.now();
      const perAttempt = Math.max(1, Math.min(timeoutMs, deadline - Date.now()));
      const result = await this.attempt(name, input, perAttempt, options);
      options.onAttempt?.({
        operation: name,
        attempt,
        durationMs: performance.now() - started,
        httpStatus: result.ok ? 200 : result.failure.httpStatus,
        failureCode: result.ok ? null : result.failure.code,
      });
      if (result.ok || !result.failure.retryable || attempt >= maxAttempts || options.signal?.aborted) {
        return { ...result, attempts: attempt };
      }
      const delay = nextRetryDelayMs(attempt, result.failure.retryAfterSeconds, deadline - Date.now());
      if (delay === null) return { ...result, attempts: attempt };
      try {
        await sleep(delay, undefined, { signal: options.signal });
      } catch {
        return { ...result, attempts: attempt };
      }
    }
  }

  private async attempt<N extends OperationName>(
    name: N,
    input: InputOf<N>,
    timeoutMs: number,
    options: CallOptions,
  ): Promise<UpstreamResult<OutputOf<N>>> {
    const rest = buildRestRequest(name, input);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onClientAbort = (): void => controller.abort();
    options.signal?.addEventListener("abort", onClientAbort, { once: true });
    if (options.signal?.aborted) controller.abort();

    const headers: Record<string, string> = { ...options.headers, accept: "application/json" };
    if (rest.body !== null) headers["content-type"] = "application/json";
    try {
      const response = await this.pool.request({
        method: rest.method,
        path: this.basePath + rest.path + formatQuery(rest.query),
        headers,
        body: rest.body ?? undefined,
        signal: controller.signal,
      });
      const status = response.statusCode;
      const body = await readLimited(response.body, headerValue(response.headers, "content-length"));
      if (body === null) {
        return {
          ok: false,
          failure: makeFailure("upstream", "UPSTREAM_RESPONSE_TOO_LARGE", "The upstream's answer exceeded 1 MiB", {
            httpStatus: status,
            requestId: upstreamRequestId(response.headers),
            retryable: isRetryable("upstream", "UPSTREAM_RESPONSE_TOO_LARGE", status),
          }),
        };
      }
      return decodeUpstreamResponse(name, input, { status, headers: response.headers, body });
    } catch {
      return { ok: false, failure: noAnswer(timedOut, options.signal?.aborted === true) };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onClientAbort);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function noAnswer(timedOut: boolean, clientGone: boolean): UpstreamFailure {
  if (clientGone) {
    return makeFailure("upstream", ABORTED_CODE, "The request was cancelled by the client", { retryable: false });
  }
  return timedOut
    ? makeFailure("upstream", "UPSTREAM_TIMEOUT", "The upstream did not answer in time", { retryable: true })
    : makeFailure("upstream", "UPSTREAM_UNREACHABLE", "The upstream could not be reached", { retryable: true });
}

/** The body as text, or null when it is larger than MAX_RESPONSE_BYTES. */
async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }, contentLength: string | null): Promise<string | null> {
  if (contentLength !== null && Number(contentLength) > MAX_RESPONSE_BYTES) {
    body.destroy();
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
