// The one SchemaBuilder, configured once; src/schema/*.ts add types to it.
import SchemaBuilder from "@pothos/core";
import DirectivePlugin from "@pothos/plugin-directives";
import ErrorsPlugin from "@pothos/plugin-errors";
import FederationPlugin from "@pothos/plugin-federation";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { Access } from "../auth/caller.js";
import type { GatewayContext } from "./context.js";

export interface GatewaySchemaTypes {
  Context: GatewayContext;
  AuthScopes: { shares: Access };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
}

export const builder = new SchemaBuilder<GatewaySchemaTypes>({
  // ErrorsPlugin first, so a scope failure becomes the field's AccessDeniedError (see scopes.ts);
  // federation last: it must see the resolvers other plugins wrap.
  plugins: [ErrorsPlugin, ScopeAuthPlugin, DirectivePlugin, FederationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({ shares: (access) => context.caller.may(access) }),
  },
});
