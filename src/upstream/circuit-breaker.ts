// The circuit breaker (contract "Upstream resilience"), one per upstream
// client. Consecutive counted failures (no answer, HTTP 500/502/503/504) open
// it; while open every call is answered at once with nothing sent; after the
// cooldown exactly one call goes through as the trial (half-open). Throttling
// and 4xx answers neither count nor reset; a success resets.
//
// Written here rather than taken from cockatiel: cockatiel treats every result
// its policy does not "handle" as a success (a 4xx would reset the count and
// close a half-open breaker), makes half-open callers wait for the trial
// instead of answering them at once, does not say how long the cooldown has
// left, and wraps each call in a closure. See docs/resilience.md.
import { makeFailure, type UpstreamFailure, type UpstreamResult } from "../wire/failure.js";

/** The values of the `upstream_circuit_state` gauge. */
export const CIRCUIT_CLOSED = 0;
export const CIRCUIT_OPEN = 1;
export const CIRCUIT_HALF_OPEN = 2;
export type CircuitState = typeof CIRCUIT_CLOSED | typeof CIRCUIT_OPEN | typeof CIRCUIT_HALF_OPEN;

/**
 * What `admit` hands out: a non-negative number is a pass of the closed state
 * (its generation, so late results from before a state change are ignored),
 * `CIRCUIT_TRIAL` the half-open trial, `CIRCUIT_REFUSED` the open answer.
 */
export type Admission = number;
export const CIRCUIT_REFUSED = -1;
export const CIRCUIT_TRIAL = -2;

/** How one attempt's result moves the breaker. */
export type BreakerOutcome = "success" | "counted_failure" | "neutral";

export interface CircuitBreakerOptions {
  /** Consecutive counted failures that open the breaker; 0 turns it off. */
  failures: number;
  cooldownMs: number;
}

/** The contract's defaults of UPSTREAM_BREAKER_FAILURES and UPSTREAM_BREAKER_COOLDOWN_MS. */
export const DEFAULT_BREAKER: CircuitBreakerOptions = { failures: 20, cooldownMs: 5000 };

export const UNAVAILABLE_CODE = "UPSTREAM_UNAVAILABLE";

export class CircuitBreaker {
  private current: CircuitState = CIRCUIT_CLOSED;
  private consecutiveFailures = 0;
  private openUntil = 0;
  private trialInFlight = false;
  private generation = 0;
  private readonly now: () => number;

  constructor(
    private readonly options: CircuitBreakerOptions,
    now: () => number = () => performance.now(),
  ) {
    this.now = now;
  }

  /** The gauge's value: an open breaker whose cooldown has passed reads as half-open. */
  get state(): CircuitState {
    if (this.current === CIRCUIT_OPEN && this.now() >= this.openUntil) return CIRCUIT_HALF_OPEN;
    return this.current;
  }

  /** Asked before every attempt. A refusal means: send nothing, answer `openFailure()`. */
  admit(): Admission {
    if (this.current === CIRCUIT_CLOSED) return this.generation;
    if (this.current === CIRCUIT_OPEN) {
      if (this.now() < this.openUntil) return CIRCUIT_REFUSED;
      this.current = CIRCUIT_HALF_OPEN;
      this.trialInFlight = false;
    }
    if (this.trialInFlight) return CIRCUIT_REFUSED;
    this.trialInFlight = true;
    return CIRCUIT_TRIAL;
  }

  /** Told the outcome of every admitted attempt (also of one that threw: "neutral"). */
  record(admission: Admission, outcome: BreakerOutcome): void {
    if (admission === CIRCUIT_TRIAL) {
      this.trialInFlight = false;
      if (outcome === "success") this.transition(CIRCUIT_CLOSED);
      else if (outcome === "counted_failure") this.transition(CIRCUIT_OPEN);
      // Anything else (a 4xx, a throttle, an abandoned call): the next call is the trial.
      return;
    }
    if (admission !== this.generation || this.current !== CIRCUIT_CLOSED) return;
    if (outcome === "success") this.consecutiveFailures = 0;
    else if (outcome === "counted_failure" && this.options.failures > 0 && ++this.consecutiveFailures >= this.options.failures) {
      this.transition(CIRCUIT_OPEN);
    }
  }

  /** The answer while open: UPSTREAM_UNAVAILABLE with the cooldown left, rounded up, at least 1 s. */
  openFailure(): UpstreamFailure {
    const retryAfterSeconds = Math.max(1, Math.ceil((this.openUntil - this.now()) / 1000));
    return makeFailure("upstream", UNAVAILABLE_CODE, "The upstream is unavailable (circuit breaker open); retry later", {
      retryable: true,
      retryAfterSeconds,
    });
  }

  private transition(to: typeof CIRCUIT_CLOSED | typeof CIRCUIT_OPEN): void {
    this.current = to;
    this.consecutiveFailures = 0;
    this.generation++;
    if (to === CIRCUIT_OPEN) this.openUntil = this.now() + this.options.cooldownMs;
  }
}

/** Counted failures are "no answer" and HTTP 500/502/503/504; throttling, 4xx and the rest are neutral. */
export function breakerOutcome(result: UpstreamResult<unknown>): BreakerOutcome {
  if (result.ok) return "success";
  const { kind, httpStatus, retryable } = result.failure;
  if (kind === "throttling") return "neutral";
  // No answer: a timeout or a refused/reset connection (retryable); not a call the client abandoned.
  if (httpStatus === null) return retryable ? "counted_failure" : "neutral";
  return COUNTED_STATUSES.has(httpStatus) ? "counted_failure" : "neutral";
}

const COUNTED_STATUSES = new Set([500, 502, 503, 504]);
