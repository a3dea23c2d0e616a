// The retry budget (contract "Upstream resilience"): the token bucket of the
// AWS SDK's standard retry mode, one per upstream client. A retry must be paid
// for; a success refunds what its retry cost (or earns 1 on a first attempt),
// so a healthy upstream keeps the bucket full and an outage empties it, after
// which every field makes one attempt instead of UPSTREAM_MAX_ATTEMPTS.

export const RETRY_BUDGET_CAPACITY = 500;
/** A retry after a throttling error. */
export const THROTTLING_RETRY_COST = 5;
/** Any other retry: HTTP 500, 502, 503, 504, no answer (and a clock-skew retry). */
export const RETRY_COST = 14;
/** What a success on the first attempt adds. */
export const FIRST_ATTEMPT_SUCCESS_INCREMENT = 1;

export class RetryBudget {
  private available = RETRY_BUDGET_CAPACITY;

  get tokens(): number {
    return this.available;
  }

  /** Takes `cost` tokens for one retry; false (and nothing taken) when the bucket cannot pay. */
  tryAcquire(cost: number): boolean {
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  /** Gives tokens back (a success, or a paid retry that was never sent), up to the capacity. */
  release(amount: number): void {
    this.available = Math.min(RETRY_BUDGET_CAPACITY, this.available + amount);
  }

  /** A call succeeded: refund its last retry's cost, or earn 1 when no retry was needed. */
  recordSuccess(lastRetryCost: number): void {
    this.release(lastRetryCost > 0 ? lastRetryCost : FIRST_ATTEMPT_SUCCESS_INCREMENT);
  }
}
