// The one SchemaBuilder, configured once; src/schema/*.ts add types to it.
import SchemaBuilder from "@pothos/core";
import DirectivePlugin from "@pothos/plugin-directives";
import ErrorsPlugin from "@pothos/plugin-errors";
import FederationPlugin from "@pothos/plugin-federation";
import type { GatewayContext } from "./context.js";

export interface GatewaySchemaTypes {
  Context: GatewayContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
}

export const builder = new SchemaBuilder<GatewaySchemaTypes>({
  // Federation last: it must see the resolvers other plugins wrap. Scopes are checked by
  // the root fields themselves (scopes.ts), not by a plugin that wraps every resolver.
  plugins: [ErrorsPlugin, DirectivePlugin, FederationPlugin],
  defaultFieldNullability: false,
});
