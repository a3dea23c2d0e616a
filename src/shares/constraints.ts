// The one home of the operations' input constraints (Smithy model + contract).
// The gateway's resolvers and the emulator both validate with these functions.
import { isPermissionType, isShareStatus } from "./model.js";

export const LIMITS = {
  sharedWith: { min: 12, max: 2048 },
  clientRequestToken: { min: 1, max: 2048 },
  maxResults: { min: 1, max: 50, default: 50 },
  sharedWithPrefix: { min: 0, max: 100 },
  idempotencyKey: { min: 1, max: 255 },
} as const;

const WORKLOAD_ID = /^[0-9a-f]{32}$/;
// Upstream share IDs pass through as they come (the envelope's `abc123`), so
// the rule is path safety, not the model's 32-hex pattern.
const SHARE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Length as Smithy counts it: Unicode code points, not UTF-16 units. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function lengthProblem(label: string, value: string, min: number, max: number): string | null {
  const n = codePointLength(value);
  if (n < min || n > max) {
    return min === max
      ? `${label} must be exactly ${min} characters long (got ${n})`
      : `${label} must be ${min} to ${max} characters long (got ${n})`;
  }
  return null;
}

export function checkWorkloadId(value: string): string | null {
  return WORKLOAD_ID.test(value) ? null : "workloadId must be 32 lowercase hexadecimal characters (0-9, a-f)";
}

export function checkShareId(value: string): string | null {
  return SHARE_ID.test(value) ? null : "shareId must be 1 to 128 characters of A-Z, a-z, 0-9, _ and -";
}

export function checkSharedWith(value: string): string | null {
  return lengthProblem("sharedWith", value, LIMITS.sharedWith.min, LIMITS.sharedWith.max);
}

export function checkClientRequestToken(value: string): string | null {
  return lengthProblem("clientRequestToken", value, LIMITS.clientRequestToken.min, LIMITS.clientRequestToken.max);
}

export function checkSharedWithPrefix(value: string): string | null {
  return lengthProblem("sharedWithPrefix", value, LIMITS.sharedWithPrefix.min, LIMITS.sharedWithPrefix.max);
}

export function checkMaxResults(value: number): string | null {
  const { min, max } = LIMITS.maxResults;
  return Number.isInteger(value) && value >= min && value <= max ? null : `first must be an integer from ${min} to ${max}`;
}

export function checkPermissionType(value: unknown): string | null {
  return isPermissionType(value) ? null : "permissionType must be READONLY or CONTRIBUTOR";
}

export function checkShareStatus(value: unknown): string | null {
  return isShareStatus(value) ? null : "status must be a ShareStatus value";
}

export function checkIdempotencyKey(value: string): string | null {
  const { min, max } = LIMITS.idempotencyKey;
  if (value.length < min || value.length > max || !PRINTABLE_ASCII.test(value)) {
    return `Idempotency-Key must be ${min} to ${max} printable ASCII characters`;
  }
  return null;
}

/** Collects the problems of several checks, each under its path. */
export class ProblemList {
  readonly problems: { path: string[]; message: string }[] = [];

  check(path: string[], problem: string | null): this {
    if (problem !== null) this.problems.push({ path, message: problem });
    return this;
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }
}
