// The error members of the result unions: one class per GraphQL type, all
// implementing the `Error` interface, and the one mapping from an
// UpstreamFailure to them.
import type { FieldProblem } from "../shares/model.js";
import type { FailureKind, UpstreamFailure } from "../wire/failure.js";
import { builder } from "./builder.js";

export abstract class ResultError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export class ValidationError extends ResultError {
  constructor(
    message: string,
    readonly fields: FieldProblem[],
    code = "VALIDATION_ERROR",
  ) {
    super(message, code, false);
  }
}

export class AccessDeniedError extends ResultError {}

abstract class ResourceError extends ResultError {
  constructor(
    message: string,
    code: string,
    readonly resourceId: string | null,
    readonly resourceType: string | null,
  ) {
    super(message, code, false);
  }
}

export class ResourceNotFoundError extends ResourceError {}

export class ConflictError extends ResourceError {}

export class ServiceQuotaExceededError extends ResultError {
  constructor(
    message: string,
    code: string,
    readonly quotaCode: string | null,
    readonly serviceCode: string | null,
    readonly resourceId: string | null,
    readonly resourceType: string | null,
  ) {
    super(message, code, false);
  }
}

export class ThrottlingError extends ResultError {
  constructor(
    message: string,
    code: string,
    readonly quotaCode: string | null,
    readonly serviceCode: string | null,
    readonly retryAfterSeconds: number | null,
    readonly clientRequestToken: string | null,
  ) {
    super(message, code, true);
  }
}

export class UpstreamError extends ResultError {
  constructor(
    message: string,
    code: string,
    retryable: boolean,
    readonly httpStatus: number | null,
    readonly requestId: string | null,
    readonly clientRequestToken: string | null,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message, code, retryable);
  }
}

export const ErrorInterface = builder.interfaceRef<ResultError>("Error").implement({
  description: [
    "Every error member of a result union implements this: an error is data (the field's __typename), never a",
    "top-level GraphQL error. `... on Error { code message retryable }` reads any of them; Apollo Client's",
    "InMemoryCache and urql graphcache match that fragment only with client/possible-types.json (or the client",
    "schema). retryable is true for ThrottlingError and for an UpstreamError after no answer, INTERNAL_ERROR",
    "or HTTP 429, 500, 502, 503 or 504; a retryable error of createWorkloadShare or deleteWorkloadShare carries",
    "the clientRequestToken to send again.",
  ].join("\n"),
  fields: (t) => ({
    message: t.exposeString("message"),
    code: t.exposeString("code", {
      description: "The upstream's own code (e.g. VALIDATION_ERROR, ThrottlingException) or the gateway's.",
    }),
    retryable: t.exposeBoolean("retryable", {
      description: "True when repeating the same request (same clientRequestToken) may succeed.",
    }),
  }),
});

const FieldErrorRef = builder.objectRef<FieldProblem>("FieldError").implement({
  shareable: true,
  fields: (t) => ({
    path: t.exposeStringList("path", { description: 'Path into the mutation\'s arguments, e.g. ["input", "workloadId"].' }),
    message: t.exposeString("message"),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: [
    "The input was refused; retryable: false (change the input first). Appears when the gateway's own input",
    "check failed (code VALIDATION_ERROR, nothing sent upstream, one FieldError per bad field, e.g.",
    '["input", "sharedWith"] or ["headers", "idempotency-key"]), or when the upstream answered VALIDATION_ERROR,',
    "BAD_REQUEST, INVALID_*, ValidationException, or HTTP 400 or 422 without a code.",
  ].join("\n"),
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({ fields: t.field({ type: [FieldErrorRef], resolve: (e) => e.fields }) }),
});

builder.objectType(AccessDeniedError, {
  name: "AccessDeniedError",
  description: [
    "The caller, or the gateway's AWS identity, may not do this; retryable: false. Appears when the caller's",
    "token lacks the needed scope (code INSUFFICIENT_SCOPE, nothing sent upstream), or when the upstream",
    "answered ACCESS_DENIED, UNAUTHORIZED, FORBIDDEN, AccessDeniedException, a signature or credential error",
    "(InvalidSignatureException, SignatureDoesNotMatch, IncompleteSignatureException,",
    "MissingAuthenticationTokenException, UnrecognizedClientException, InvalidClientTokenId,",
    "ExpiredTokenException), or HTTP 401 or 403 without a code.",
  ].join("\n"),
  interfaces: [ErrorInterface],
  shareable: true,
});

builder.objectType(ResourceNotFoundError, {
  name: "ResourceNotFoundError",
  description: [
    "The workload or share does not exist; retryable: false. Appears when the upstream answered NOT_FOUND,",
    "RESOURCE_NOT_FOUND, ResourceNotFoundException, or HTTP 404 without a code (a 404 page in neither wire",
    "format is an UpstreamError, never this).",
  ].join("\n"),
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({
    resourceId: t.exposeString("resourceId", { nullable: true }),
    resourceType: t.exposeString("resourceType", { nullable: true }),
  }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  description: [
    "The request conflicts with the current state; retryable: false. Appears when the upstream answered",
    "CONFLICT, ConflictException, or HTTP 409 without a code: e.g. the workload is already shared with that",
    "principal, or the clientRequestToken was already used with other parameters.",
  ].join("\n"),
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({
    resourceId: t.exposeString("resourceId", { nullable: true }),
    resourceType: t.exposeString("resourceType", { nullable: true }),
  }),
});

builder.objectType(ServiceQuotaExceededError, {
  name: "ServiceQuotaExceededError",
  description: [
    "A service quota is used up, e.g. the workload's number of shares; retryable: false. Appears when the",
    "upstream answered SERVICE_QUOTA_EXCEEDED, QUOTA_EXCEEDED, ServiceQuotaExceededException, or HTTP 402",
    "without a code.",
  ].join("\n"),
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({
    quotaCode: t.exposeString("quotaCode", { nullable: true }),
    serviceCode: t.exposeString("serviceCode", { nullable: true }),
    resourceId: t.exposeString("resourceId", { nullable: true }),
    resourceType: t.exposeString("resourceType", { nullable: true }),
  }),
});

builder.objectType(ThrottlingError, {
  name: "ThrottlingError",
  description: [
    "The upstream throttled the request; retryable: true. Appears when the upstream answered THROTTLING,",
    "RATE_LIMITED, TOO_MANY_REQUESTS, ThrottlingException or another of the AWS SDK's throttling names, or",
    "HTTP 429 without a code, and the gateway's own retries are spent (at once when the upstream's",
    "Retry-After is over 5 s). Wait retryAfterSeconds when set, then send the same request again with",
    "clientRequestToken.",
  ].join("\n"),
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({
    quotaCode: t.exposeString("quotaCode", { nullable: true }),
    serviceCode: t.exposeString("serviceCode", { nullable: true }),
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", {
      nullable: true,
      description: "From the upstream's Retry-After, when it sent one.",
    }),
    clientRequestToken: t.exposeString("clientRequestToken", {
      nullable: true,
      description: [
        "The token sent upstream: set on every ThrottlingError of createWorkloadShare and deleteWorkloadShare,",
        "null for the operations that take none (updateWorkloadShare, reads). Retry with it as",
        "input.clientRequestToken (alias it, e.g. errorToken: clientRequestToken, next to a success type's String!).",
      ].join("\n"),
    }),
  }),
});

builder.objectType(UpstreamError, {
  name: "UpstreamError",
  description: [
    "The upstream failed, timed out, was unreachable or answered something unreadable, and no other member",
    "fits. Appears for INTERNAL_ERROR or InternalServerException (retryable); any other envelope",
    "code or AWS error type (kept in code); another HTTP status without a code (UPSTREAM_HTTP_<status>);",
    "no answer (UPSTREAM_TIMEOUT, UPSTREAM_UNREACHABLE, httpStatus null, retryable); an answer in neither",
    "wire format (UPSTREAM_BAD_RESPONSE, at any status); a body over 1 MiB (UPSTREAM_RESPONSE_TOO_LARGE);",
    "AWS credentials that could not be loaded (UPSTREAM_CREDENTIALS_UNAVAILABLE, nothing sent); the gateway's",
    "circuit breaker open after repeated upstream failures (UPSTREAM_UNAVAILABLE, retryable, nothing sent,",
    "retryAfterSeconds = the cooldown left); and a mapped",
    "error that this field's union does not list (its original code). retryable is true after no answer and",
    "for HTTP 429, 500, 502, 503 and 504, and then clientRequestToken is set.",
  ].join("\n"),
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({
    httpStatus: t.exposeInt("httpStatus", {
      nullable: true,
      description: "The upstream's HTTP status; null when no response came.",
    }),
    requestId: t.exposeString("requestId", {
      nullable: true,
      description: "The upstream's request ID (x-amzn-requestid / x-request-id) when it sent one.",
    }),
    clientRequestToken: t.exposeString("clientRequestToken", {
      nullable: true,
      description: [
        "The token sent upstream: set when retryable is true on createWorkloadShare and deleteWorkloadShare,",
        "else null. Retry with it as input.clientRequestToken (alias it, e.g. errorToken: clientRequestToken).",
      ].join("\n"),
    }),
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", {
      nullable: true,
      description: [
        "Seconds to wait before retrying, when known: the upstream's Retry-After on a retryable answer, or the",
        "cooldown left of the gateway's open circuit breaker (UPSTREAM_UNAVAILABLE). Null when not retryable.",
      ].join("\n"),
    }),
  }),
});

/** The description of a result union: what it holds and where each member's "when" is told. */
export function resultUnionDescription(field: string, success: string): string {
  return [
    `What ${field} returns: ${success} when the upstream succeeded, else exactly one error member, as data`,
    "(never a top-level GraphQL error). Every error member implements Error; each member's description says",
    "when it appears. Select __typename, the success type's fields and `... on Error { code message retryable }`.",
  ].join("\n");
}

/** The error members of every result union, in the contract's order. */
export const ERROR_MEMBERS = {
  validation: ValidationError,
  accessDenied: AccessDeniedError,
  notFound: ResourceNotFoundError,
  conflict: ConflictError,
  quotaExceeded: ServiceQuotaExceededError,
  throttling: ThrottlingError,
  upstream: UpstreamError,
} as const;

export function errorMembers<K extends FailureKind>(kinds: readonly K[]): (typeof ERROR_MEMBERS)[K][] {
  return kinds.map((kind) => ERROR_MEMBERS[kind]);
}

export interface FailureContext {
  /** The kinds the field's union lists; any other becomes UpstreamError. */
  kinds: readonly FailureKind[];
  /** The token sent upstream, returned on retryable errors; null when the operation takes none. */
  clientRequestToken: string | null;
  /** Maps an upstream field name onto a GraphQL argument path. */
  fieldPath: (name: string) => string[];
}

export function toResultError(failure: UpstreamFailure, context: FailureContext): ResultError {
  const kind = context.kinds.includes(failure.kind) ? failure.kind : "upstream";
  const { message, code } = failure;
  const token = failure.retryable ? context.clientRequestToken : null;
  switch (kind) {
    case "validation":
      return new ValidationError(
        message,
        failure.fields.map((f) => ({ path: context.fieldPath(f.name), message: f.message })),
        code,
      );
    case "accessDenied":
      return new AccessDeniedError(message, code, false);
    case "notFound":
      return new ResourceNotFoundError(message, code, failure.resourceId, failure.resourceType);
    case "conflict":
      return new ConflictError(message, code, failure.resourceId, failure.resourceType);
    case "quotaExceeded":
      return new ServiceQuotaExceededError(
        message,
        code,
        failure.quotaCode,
        failure.serviceCode,
        failure.resourceId,
        failure.resourceType,
      );
    case "throttling":
      return new ThrottlingError(
        message,
        code,
        failure.quotaCode,
        failure.serviceCode,
        failure.retryAfterSeconds,
        context.clientRequestToken,
      );
    case "upstream":
      // A Retry-After (or the open breaker's cooldown) is only worth telling when retrying may help.
      return new UpstreamError(message, code, failure.retryable, failure.httpStatus, failure.requestId, token, failure.retryable ? failure.retryAfterSeconds : null);
  }
}

/** The gateway's own input check failed: no upstream call was made. */
export function invalidInput(fields: FieldProblem[]): ValidationError {
  const n = fields.length;
  return new ValidationError(`Invalid input: ${n} field${n === 1 ? "" : "s"} failed validation`, fields);
}
