// What every failed upstream call becomes: one shape, whatever the wire said.

export type FailureKind =
  | "validation"
  | "accessDenied"
  | "notFound"
  | "conflict"
  | "quotaExceeded"
  | "throttling"
  | "upstream";

export interface UpstreamFieldProblem {
  /** The upstream's field name as sent (`SharedWith`, `shared_with`, ...). */
  name: string;
  message: string;
}

export interface UpstreamFailure {
  kind: FailureKind;
  code: string;
  message: string;
  retryable: boolean;
  /** null when no HTTP answer came. */
  httpStatus: number | null;
  requestId: string | null;
  fields: UpstreamFieldProblem[];
  resourceId: string | null;
  resourceType: string | null;
  quotaCode: string | null;
  serviceCode: string | null;
  retryAfterSeconds: number | null;
}

export function makeFailure(
  kind: FailureKind,
  code: string,
  message: string,
  extra: Partial<Omit<UpstreamFailure, "kind" | "code" | "message">> = {},
): UpstreamFailure {
  return {
    kind,
    code,
    message,
    retryable: false,
    httpStatus: null,
    requestId: null,
    fields: [],
    resourceId: null,
    resourceType: null,
    quotaCode: null,
    serviceCode: null,
    retryAfterSeconds: null,
    ...extra,
  };
}

export type UpstreamResult<T> = { ok: true; value: T; requestId: string | null } | { ok: false; failure: UpstreamFailure };
