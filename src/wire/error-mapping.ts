// The contract's error-mapping table, in one place: an envelope code or an AWS
// error type decides the kind; the HTTP status decides only when neither came.
import type { FailureKind } from "./failure.js";

// Keys are lower-cased: envelope codes are matched case-insensitively.
const KIND_BY_CODE = new Map<string, FailureKind>();
function codes(kind: FailureKind, names: string[]): void {
  for (const name of names) KIND_BY_CODE.set(name.toLowerCase(), kind);
}
codes("validation", ["VALIDATION_ERROR", "BAD_REQUEST", "ValidationException"]);
codes("accessDenied", [
  "ACCESS_DENIED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "AccessDeniedException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignatureException",
  "MissingAuthenticationTokenException",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredTokenException",
]);
codes("notFound", ["NOT_FOUND", "RESOURCE_NOT_FOUND", "ResourceNotFoundException"]);
codes("conflict", ["CONFLICT", "ConflictException"]);
codes("quotaExceeded", ["SERVICE_QUOTA_EXCEEDED", "QUOTA_EXCEEDED", "ServiceQuotaExceededException"]);
codes("throttling", [
  "THROTTLING",
  "RATE_LIMITED",
  "TOO_MANY_REQUESTS",
  // The SDK's throttling names (reference §7).
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

/** Upstream-side failures that are worth repeating whatever their status. */
const RETRYABLE_UPSTREAM_CODES = new Set(["internal_error", "internalserverexception"]);

/** The official SDK's transient statuses plus 429. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

const KIND_BY_STATUS = new Map<number, { kind: FailureKind; code: string }>([
  [400, { kind: "validation", code: "VALIDATION_ERROR" }],
  [422, { kind: "validation", code: "VALIDATION_ERROR" }],
  [401, { kind: "accessDenied", code: "ACCESS_DENIED" }],
  [403, { kind: "accessDenied", code: "ACCESS_DENIED" }],
  [404, { kind: "notFound", code: "NOT_FOUND" }],
  [409, { kind: "conflict", code: "CONFLICT" }],
  [402, { kind: "quotaExceeded", code: "SERVICE_QUOTA_EXCEEDED" }],
  [429, { kind: "throttling", code: "THROTTLING" }],
]);

export function kindOfCode(code: string): FailureKind {
  const lower = code.toLowerCase();
  const known = KIND_BY_CODE.get(lower);
  if (known) return known;
  if (lower.startsWith("invalid_")) return "validation";
  return "upstream";
}

export function kindOfStatus(status: number): { kind: FailureKind; code: string } {
  return KIND_BY_STATUS.get(status) ?? { kind: "upstream", code: `UPSTREAM_HTTP_${status}` };
}

export function isRetryableStatus(status: number | null): boolean {
  return status === null || RETRYABLE_STATUSES.has(status);
}

/** One rule for the `retryable` field and the gateway's own retries. */
export function isRetryable(kind: FailureKind, code: string, status: number | null): boolean {
  if (kind === "throttling") return true;
  if (kind !== "upstream") return false;
  return RETRYABLE_UPSTREAM_CODES.has(code.toLowerCase()) || isRetryableStatus(status);
}

/**
 * Cleans an AWS error identifier as the SDK does: cut at the first `,` and
 * `:`, then keep what follows `#`.
 */
export function sanitizeErrorType(raw: string): string {
  let value = raw.split(",")[0] ?? "";
  value = value.split(":")[0] ?? "";
  const hash = value.indexOf("#");
  if (hash >= 0) value = value.slice(hash + 1);
  return value.trim();
}
