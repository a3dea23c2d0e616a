// The one SchemaBuilder, configured once; src/schema/*.ts add types to it.
import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
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
  plugins: [ErrorsPlugin],
  defaultFieldNullability: false,
});
