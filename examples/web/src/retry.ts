// Safe retries: a ThrottlingError, or an UpstreamError with retryable: true, is sent
// again with the clientRequestToken the gateway returned (so the upstream sees one
// request, never two shares), after retryAfterSeconds when the gateway gave it.

/** What the retry needs from any result of the app's operations (see ResultErrorFields). */
export interface RetryableResult {
  __typename: string;
  retryable?: boolean;
  retryAfterSeconds?: number | null;
  errorToken?: string | null;
}

export interface RetryNotice {
  /** The retry about to be made: 1, 2, ... */
  retry: number;
  seconds: number;
  code: string;
  token: string | undefined;
}

export interface RetryOptions {
  maxRetries?: number;
  onRetry?: (notice: RetryNotice) => void;
  sleep?: (ms: number) => Promise<void>;
}

export function isRetryable(result: RetryableResult): boolean {
  return result.__typename === "ThrottlingError" || (result.__typename === "UpstreamError" && result.retryable === true);
}

/** Without a Retry-After: 1 s, 2 s, 4 s, ... capped at 10 s. */
function backoffSeconds(retry: number): number {
  return Math.min(10, 2 ** (retry - 1));
}

/**
 * Sends with `token` (the intent's own, or undefined to let the gateway make one),
 * and again with the returned token while the result says it may succeed.
 */
export async function sendWithRetries<R extends RetryableResult>(
  send: (token: string | undefined) => Promise<R>,
  token: string | undefined,
  { maxRetries = 3, onRetry, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)) }: RetryOptions = {},
): Promise<R> {
  let result = await send(token);
  for (let retry = 1; retry <= maxRetries && isRetryable(result); retry++) {
    // The token the gateway used is the one to repeat; it equals ours when we sent one.
    token = result.errorToken ?? token;
    const seconds = result.retryAfterSeconds ?? backoffSeconds(retry);
    onRetry?.({ retry, seconds, code: "code" in result ? String(result.code) : result.__typename, token });
    await sleep(seconds * 1000);
    result = await send(token);
  }
  return result;
}
