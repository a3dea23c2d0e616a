// The real service's wire: AWS restJson1 (Smithy member names, errors named
// by X-Amzn-ErrorType, body `code` or `__type`).
import type { InputOf, OperationName, OutputOf } from "../upstream/operations.js";
import { isObject, readFirstString, readString, type JsonObject } from "./json.js";
import { AWS_SHARE_KEYS, readNextToken, readShare, readShareList } from "./share-fields.js";
import { sanitizeErrorType } from "./error-mapping.js";
import type { ErrorDetails } from "./error-details.js";
import type { UpstreamFieldProblem } from "./failure.js";

type SuccessDecoder<N extends OperationName> = (body: JsonObject, input: InputOf<N>) => OutputOf<N> | null;

const successDecoders: { [N in OperationName]: SuccessDecoder<N> } = {
  CreateWorkloadShare: (body, input) =>
    readShare(body, AWS_SHARE_KEYS, {
      workloadId: input.workloadId,
      sharedWith: input.sharedWith,
      permissionType: input.permissionType,
    }),
  ListWorkloadShares: (body, input) => {
    const shares = readShareList(body.WorkloadShareSummaries ?? [], AWS_SHARE_KEYS, input.workloadId);
    const nextToken = readNextToken(body.NextToken);
    return shares === null || nextToken === undefined ? null : { shares, nextToken };
  },
  UpdateWorkloadShare: (body, input) =>
    isObject(body.WorkloadShare)
      ? readShare(body.WorkloadShare, AWS_SHARE_KEYS, { workloadId: input.workloadId })
      : null,
  DeleteWorkloadShare: (_body, input) => ({ deletedShareId: input.shareId }),
};

/** `body` is the parsed JSON object, or an empty object for an empty 2xx body. */
export function decodeAwsSuccess<N extends OperationName>(name: N, input: InputOf<N>, body: JsonObject): OutputOf<N> | null {
  return (successDecoders[name] as SuccessDecoder<N>)(body, input);
}

function readAwsErrorType(headerType: string | null, body: JsonObject): string | null {
  const candidates: unknown[] = [headerType];
  // The SDK matches the body key `code` case-insensitively.
  const codeKey = Object.keys(body).find((k) => k.toLowerCase() === "code");
  candidates.push(codeKey === undefined ? undefined : body[codeKey], body.__type);
  for (const candidate of candidates) {
    const raw = typeof candidate === "number" ? String(candidate) : candidate;
    if (typeof raw === "string" && raw.length > 0) {
      const cleaned = sanitizeErrorType(raw);
      if (cleaned.length > 0) return cleaned;
    }
  }
  return null;
}

function readAwsFieldProblems(value: unknown): UpstreamFieldProblem[] {
  if (!Array.isArray(value)) return [];
  const problems: UpstreamFieldProblem[] = [];
  for (const item of value) {
    if (!isObject(item)) continue;
    const name = readFirstString(item, ["Name", "name"]);
    if (name !== null) problems.push({ name, message: readFirstString(item, ["Message", "message"]) ?? "is invalid" });
  }
  return problems;
}

export function readAwsError(headerType: string | null, body: JsonObject): ErrorDetails {
  return {
    code: readAwsErrorType(headerType, body),
    message: readFirstString(body, ["message", "Message"]),
    fields: readAwsFieldProblems(body.Fields ?? body.fields),
    resourceId: readString(body, "ResourceId"),
    resourceType: readString(body, "ResourceType"),
    quotaCode: readString(body, "QuotaCode"),
    serviceCode: readString(body, "ServiceCode"),
  };
}
