// Scope rules of the root fields: reads need the read scope, writes the write
// scope. A caller without it gets the field's AccessDeniedError as data.
// (Per field rather than the builder's `unauthorizedError`: builder.ts cannot
// import errors.ts, which imports the builder.)
import type { Access } from "../auth/caller.js";
import type { ShareMutation } from "../policy/share-request.js";
import type { GatewayContext } from "./context.js";
import { AccessDeniedError } from "./errors.js";
import { auditScopeRefusal } from "./share-access.js";

export const INSUFFICIENT_SCOPE = "INSUFFICIENT_SCOPE";

function insufficientScope(context: GatewayContext, access: Access): AccessDeniedError {
  return new AccessDeniedError(`This needs the scope "${context.caller.requiredScope(access)}"`, INSUFFICIENT_SCOPE, false);
}

export function requireScope(access: Access) {
  return {
    authScopes: { shares: access },
    unauthorizedError: (_parent: unknown, _args: unknown, context: GatewayContext) => insufficientScope(context, access),
  };
}

/** A mutation field's write scope; a refusal is audited too, as what `asked` says the field asked. */
export function requireWriteScope<Args>(asked: (args: Args) => ShareMutation) {
  return {
    authScopes: { shares: "write" as const },
    unauthorizedError: (_parent: unknown, args: Args, context: GatewayContext) => {
      const error = insufficientScope(context, "write");
      auditScopeRefusal(context, asked(args), error);
      return error;
    },
  };
}
