// Scope rules of the root fields: reads need the read scope, writes the write
// scope. A caller without it gets the field's AccessDeniedError as data.
// (Per field rather than the builder's `unauthorizedError`: builder.ts cannot
// import errors.ts, which imports the builder.)
import type { Access } from "../auth/caller.js";
import type { GatewayContext } from "./context.js";
import { AccessDeniedError } from "./errors.js";

export const INSUFFICIENT_SCOPE = "INSUFFICIENT_SCOPE";

export function requireScope(access: Access) {
  return {
    authScopes: { shares: access },
    unauthorizedError: (_parent: unknown, _args: unknown, context: GatewayContext) =>
      new AccessDeniedError(`This needs the scope "${context.caller.requiredScope(access)}"`, INSUFFICIENT_SCOPE, false),
  };
}
