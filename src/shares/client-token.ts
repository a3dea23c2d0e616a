// Which idempotency token a token-taking mutation sends upstream (contract: "The client token").
import { randomUUID } from "node:crypto";
import { v5 as uuidV5 } from "uuid";
import { checkClientRequestToken, checkIdempotencyKey } from "./constraints.js";
import type { FieldProblem } from "./model.js";

/** Fixed so that every replica and every version derives the same token. */
export const IDEMPOTENCY_NAMESPACE = "5b0d2f8e-6a6c-4c1e-9a57-2f0c3d1e8b47";

export interface ClientTokenSource {
  /** `input.clientRequestToken` as given (undefined or null when absent). */
  inputToken: string | null | undefined;
  /** The raw `Idempotency-Key` header, null when the request had none. */
  idempotencyKey: string | null;
  /** Token-taking root fields in the HTTP request. */
  tokenFieldCount: number;
  batchIndex: number;
  /** The field's response key (alias or name). */
  responsePath: string;
}

export type ClientTokenResult = { ok: true; token: string } | { ok: false; problem: FieldProblem };

export function resolveClientToken(source: ClientTokenSource): ClientTokenResult {
  if (source.inputToken !== undefined && source.inputToken !== null) {
    const problem = checkClientRequestToken(source.inputToken);
    return problem === null
      ? { ok: true, token: source.inputToken }
      : { ok: false, problem: { path: ["input", "clientRequestToken"], message: problem } };
  }
  if (source.idempotencyKey !== null) {
    const problem = checkIdempotencyKey(source.idempotencyKey);
    if (problem !== null) return { ok: false, problem: { path: ["headers", "idempotency-key"], message: problem } };
    if (source.tokenFieldCount <= 1) return { ok: true, token: source.idempotencyKey };
    const name = `${source.idempotencyKey}\n${source.batchIndex}\n${source.responsePath}`;
    return { ok: true, token: uuidV5(name, IDEMPOTENCY_NAMESPACE) };
  }
  return { ok: true, token: randomUUID() };
}
