// When to try again: the contract's full-jitter backoff, Retry-After, cap and deadline.

export const BACKOFF_BASE_MS = 100;
export const BACKOFF_CAP_MS = 5000;
/** A Retry-After longer than this is not waited for: the error goes back at once. */
export const MAX_RETRY_AFTER_SECONDS = 5;

/** Full jitter for the retry that follows attempt `attempt` (1-based). */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  return random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
}

/**
 * The wait before the next attempt, or null when the failure should be
 * returned now (Retry-After too long, or the wait would pass the deadline).
 */
export function nextRetryDelayMs(
  attempt: number,
  retryAfterSeconds: number | null,
  msUntilDeadline: number,
  random: () => number = Math.random,
): number | null {
  if (retryAfterSeconds !== null && retryAfterSeconds > MAX_RETRY_AFTER_SECONDS) return null;
  const delay = Math.max(backoffDelayMs(attempt, random), (retryAfterSeconds ?? 0) * 1000);
  return delay < msUntilDeadline ? delay : null;
}
