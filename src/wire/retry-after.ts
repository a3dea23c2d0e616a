// Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3, §5.6.7).
// Anything else is null, never 0 ("retry now").

/** The largest value a GraphQL Int can carry. */
const MAX_SECONDS = 2_147_483_647;

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_SECONDS);
  if (!IMF_FIXDATE.test(trimmed) && !RFC850_DATE.test(trimmed) && !ASCTIME_DATE.test(trimmed)) return null;
  const at = Date.parse(ASCTIME_DATE.test(trimmed) ? `${trimmed} GMT` : trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_SECONDS, Math.max(0, Math.ceil((at - now) / 1000)));
}
