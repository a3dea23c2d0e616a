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
  description: "Every error member of a result union implements this.",
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
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({ fields: t.field({ type: [FieldErrorRef], resolve: (e) => e.fields }) }),
});

builder.objectType(AccessDeniedError, { name: "AccessDeniedError", interfaces: [ErrorInterface], shareable: true });

builder.objectType(ResourceNotFoundError, {
  name: "ResourceNotFoundError",
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({
    resourceId: t.exposeString("resourceId", { nullable: true }),
    resourceType: t.exposeString("resourceType", { nullable: true }),
  }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({
    resourceId: t.exposeString("resourceId", { nullable: true }),
    resourceType: t.exposeString("resourceType", { nullable: true }),
  }),
});

builder.objectType(ServiceQuotaExceededError, {
  name: "ServiceQuotaExceededError",
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
  interfaces: [ErrorInterface],
  shareable: true,
  fields: (t) => ({
    quotaCode: t.exposeString("quotaCode", { nullable: true }),
    serviceCode: t.exposeString("serviceCode", { nullable: true }),
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", {
      nullable: true,
      description: "From the upstream's Retry-After, when it sent one.",
    }),
    clientRequestToken: t.exposeString("clientRequestToken", { nullable: true }),
  }),
});

builder.objectType(UpstreamError, {
  name: "UpstreamError",
  description: "The upstream failed, timed out, was unreachable or answered something unreadable.",
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
    clientRequestToken: t.exposeString("clientRequestToken", { nullable: true }),
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", {
      nullable: true,
      description: "Seconds until the gateway will call the upstream again (open circuit breaker), when known.",
    }),
  }),
});

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
