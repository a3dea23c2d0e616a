// The server's clock as SigV4 needs it: kept apart from the signer
// (signing.ts) so that the upstream client loads no signing library when it
// does not sign.

/** The SDK's threshold: a server clock this far off means our signatures would be refused. */
export const CLOCK_SKEW_THRESHOLD_MS = 240_000;
/** An answer slower than this says nothing reliable about the server's clock. */
const MAX_SAMPLE_ROUND_TRIP_MS = 900_000;

/**
 * The offset between the server's clock and ours. Every answer's `Date`
 * header is compared with the corrected clock; 4 minutes or more apart and the
 * offset is adopted, and the caller learns that it was corrected (so a
 * refused request is worth one more try with a fresh signature).
 */
export class SigningClock {
  private offsetMs = 0;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** The time to sign with. */
  now(): Date {
    return new Date(this.localNow() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Returns true when this answer corrected the offset. */
  observe(dateHeader: string | null, ageHeader: string | null, requestSentAt: number): boolean {
    // A cached answer (Age) carries a stale Date.
    if (dateHeader === null || ageHeader !== null) return false;
    const serverTime = Date.parse(dateHeader);
    if (Number.isNaN(serverTime)) return false;
    const received = this.localNow();
    if (received - requestSentAt > MAX_SAMPLE_ROUND_TRIP_MS) return false;
    if (Math.abs(received + this.offsetMs - serverTime) < CLOCK_SKEW_THRESHOLD_MS) return false;
    this.offsetMs = serverTime - received;
    return true;
  }
}
