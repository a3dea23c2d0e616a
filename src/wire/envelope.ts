// The documented envelope: {"success": true, "data": ...} / {"success": false, "error": ...}.
import type { InputOf, OperationName, OutputOf } from "../upstream/operations.js";
import { isObject, readFirstString, readString, type JsonObject } from "./json.js";
import { ENVELOPE_SHARE_KEYS, readNextToken, readShare, readShareList } from "./share-fields.js";
import type { ErrorDetails } from "./error-details.js";
import type { UpstreamFieldProblem } from "./failure.js";

export function isEnvelope(body: unknown): body is JsonObject & { success: boolean } {
  return isObject(body) && typeof body.success === "boolean";
}

type SuccessDecoder<N extends OperationName> = (data: unknown, input: InputOf<N>) => OutputOf<N> | null;

const successDecoders: { [N in OperationName]: SuccessDecoder<N> } = {
  CreateWorkloadShare: (data, input) =>
    isObject(data)
      ? readShare(data, ENVELOPE_SHARE_KEYS, {
          workloadId: input.workloadId,
          sharedWith: input.sharedWith,
          permissionType: input.permissionType,
        })
      : null,
  ListWorkloadShares: (data, input) => {
    if (!isObject(data)) return null;
    const shares = readShareList(data.items ?? [], ENVELOPE_SHARE_KEYS, input.workloadId);
    const nextToken = readNextToken(data.next_token);
    return shares === null || nextToken === undefined ? null : { shares, nextToken };
  },
  UpdateWorkloadShare: (data, input) =>
    isObject(data)
      ? readShare(data, ENVELOPE_SHARE_KEYS, { workloadId: input.workloadId, permissionType: input.permissionType })
      : null,
  DeleteWorkloadShare: (data, input) => {
    if (data === undefined || data === null) return { deletedShareId: input.shareId };
    if (!isObject(data)) return null;
    if (data.id === undefined || data.id === null) return { deletedShareId: input.shareId };
    const id = readString(data, "id");
    return id === null ? null : { deletedShareId: id };
  },
};

export function decodeEnvelopeSuccess<N extends OperationName>(
  name: N,
  input: InputOf<N>,
  body: JsonObject,
): OutputOf<N> | null {
  return (successDecoders[name] as SuccessDecoder<N>)(body.data, input);
}

function readFieldProblems(value: unknown): UpstreamFieldProblem[] {
  if (!Array.isArray(value)) return [];
  const problems: UpstreamFieldProblem[] = [];
  for (const item of value) {
    if (!isObject(item)) continue;
    const name = readFirstString(item, ["field", "name", "Name"]);
    if (name === null) continue;
    problems.push({ name, message: readFirstString(item, ["message", "Message"]) ?? "is invalid" });
  }
  return problems;
}

export function readEnvelopeError(body: JsonObject): ErrorDetails {
  const error = isObject(body.error) ? body.error : {};
  const code = error.code;
  return {
    code: typeof code === "string" && code.length > 0 ? code : null,
    message: readString(error, "message"),
    fields: readFieldProblems(error.fields),
    resourceId: readString(error, "resource_id"),
    resourceType: readString(error, "resource_type"),
    quotaCode: readString(error, "quota_code"),
    serviceCode: readString(error, "service_code"),
  };
}
