// The client token of one token-taking mutation field, from its input, the
// request's Idempotency-Key or a new UUID (src/shares/client-token.ts).
import type { GraphQLResolveInfo } from "graphql";
import { resolveClientToken, type ClientTokenResult } from "../shares/client-token.js";
import type { GatewayContext } from "./context.js";
import { countTokenTakingFields } from "./token-fields.js";

export function clientTokenForField(
  inputToken: string | null | undefined,
  context: GatewayContext,
  info: GraphQLResolveInfo,
): ClientTokenResult {
  return resolveClientToken({
    inputToken,
    idempotencyKey: context.idempotencyKey,
    tokenFieldCount: countTokenTakingFields(info.operation, info.fragments) + context.tokenFieldsInOtherBatchOperations(),
    batchIndex: context.batchIndex,
    responsePath: String(info.path.key),
  });
}

/** The description of a success type's clientRequestToken (createWorkloadShare, deleteWorkloadShare). */
export const SUCCESS_TOKEN_DESCRIPTION = [
  "The token sent upstream: repeat it to retry this exact request safely. Always set on success (and on",
  "every retryable error): input.clientRequestToken, else the Idempotency-Key header (or derived from",
  "it), else created by the gateway.",
].join("\n");
