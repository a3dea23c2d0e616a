// Scope rules of the root fields: reads need the read scope, writes the write
// scope. A caller without it gets the field's AccessDeniedError as data, and
// the field does nothing else. Checked first thing in the field's resolver
// (share-access.ts for mutations, workload-shares.ts for reads): one property
// lookup, where a scope plugin would wrap every resolver of the schema.
import type { Access } from "../auth/caller.js";
import type { GatewayContext } from "./context.js";
import { AccessDeniedError } from "./errors.js";

export const INSUFFICIENT_SCOPE = "INSUFFICIENT_SCOPE";

/** The field's AccessDeniedError when the caller lacks the scope `access` needs, else null. */
export function scopeRefusal(context: GatewayContext, access: Access): AccessDeniedError | null {
  if (context.caller.may(access)) return null;
  return new AccessDeniedError(`This needs the scope "${context.caller.requiredScope(access)}"`, INSUFFICIENT_SCOPE, false);
}
