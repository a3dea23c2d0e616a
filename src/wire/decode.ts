// One decoder for every upstream answer: tells the two wire formats apart by
// the body and returns a typed value or one UpstreamFailure. Never throws.
import type { InputOf, OperationName, OutputOf } from "../upstream/operations.js";
import { decodeAwsSuccess, readAwsError } from "./aws-rest-json.js";
import { decodeEnvelopeSuccess, isEnvelope, readEnvelopeError } from "./envelope.js";
import type { ErrorDetails } from "./error-details.js";
import { isRetryable, kindOfCode, kindOfStatus } from "./error-mapping.js";
import { makeFailure, type FailureKind, type UpstreamFailure, type UpstreamResult } from "./failure.js";
import { isObject, parseJson } from "./json.js";
import { parseRetryAfter } from "./retry-after.js";

export interface UpstreamResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export const BAD_RESPONSE_CODE = "UPSTREAM_BAD_RESPONSE";

export function headerValue(headers: UpstreamResponse["headers"], name: string): string | null {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === "" ? null : first;
}

export function upstreamRequestId(headers: UpstreamResponse["headers"]): string | null {
  return headerValue(headers, "x-amzn-requestid") ?? headerValue(headers, "x-request-id");
}

const DEFAULT_MESSAGES: Record<FailureKind, string> = {
  validation: "The upstream rejected the request as invalid",
  accessDenied: "The upstream denied access",
  notFound: "The upstream did not find the resource",
  conflict: "The request conflicts with the resource's current state",
  quotaExceeded: "A service quota was exceeded",
  throttling: "The upstream is throttling requests",
  upstream: "The upstream failed",
};

function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

export function badResponse(response: UpstreamResponse): UpstreamFailure {
  return makeFailure("upstream", BAD_RESPONSE_CODE, "The upstream answered in neither the envelope nor the AWS format", {
    httpStatus: response.status,
    requestId: upstreamRequestId(response.headers),
    retryable: isRetryable("upstream", BAD_RESPONSE_CODE, response.status),
  });
}

function failureFrom(details: ErrorDetails, response: UpstreamResponse): UpstreamFailure {
  if (details.code === null && isSuccessStatus(response.status)) return badResponse(response);
  const { kind, code } =
    details.code !== null ? { kind: kindOfCode(details.code), code: details.code } : kindOfStatus(response.status);
  return makeFailure(kind, code, details.message ?? `${DEFAULT_MESSAGES[kind]} (HTTP ${response.status})`, {
    retryable: isRetryable(kind, code, response.status),
    httpStatus: response.status,
    requestId: upstreamRequestId(response.headers),
    fields: details.fields,
    resourceId: details.resourceId,
    resourceType: details.resourceType,
    quotaCode: details.quotaCode,
    serviceCode: details.serviceCode,
    retryAfterSeconds: parseRetryAfter(headerValue(response.headers, "retry-after")),
  });
}

export function decodeUpstreamResponse<N extends OperationName>(
  name: N,
  input: InputOf<N>,
  response: UpstreamResponse,
): UpstreamResult<OutputOf<N>> {
  const requestId = upstreamRequestId(response.headers);
  const empty = response.body.trim() === "";
  const parsed = empty ? { ok: false as const } : parseJson(response.body);
  const body = parsed.ok ? parsed.value : undefined;

  if (isEnvelope(body)) {
    if (!body.success) return { ok: false, failure: failureFrom(readEnvelopeError(body), response) };
    const value = decodeEnvelopeSuccess(name, input, body);
    return value === null ? { ok: false, failure: badResponse(response) } : { ok: true, value, requestId };
  }

  if (isSuccessStatus(response.status)) {
    if (!empty && !isObject(body)) return { ok: false, failure: badResponse(response) };
    const value = decodeAwsSuccess(name, input, isObject(body) ? body : {});
    return value === null ? { ok: false, failure: badResponse(response) } : { ok: true, value, requestId };
  }

  const errorType = headerValue(response.headers, "x-amzn-errortype");
  // A body in neither format (HTML, truncated JSON, ...) is unreadable whatever
  // the status; a bare status (no body) still decides by itself.
  if (errorType === null && !empty && !isObject(body)) return { ok: false, failure: badResponse(response) };
  const details = readAwsError(errorType, isObject(body) ? body : {});
  return { ok: false, failure: failureFrom(details, response) };
}
