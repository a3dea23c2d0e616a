// The whole schema: each module adds its types to the builder.
import { printSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLSchema } from "graphql";
import { builder } from "./builder.js";
import "./scalars.js";
import "./enums.js";
import "./errors.js";
import "./workload-share.js";
import "./workload-shares.js";
import "./create-workload-share.js";
import "./update-workload-share.js";
import "./delete-workload-share.js";

builder.queryType({});
builder.mutationType({});

/** A Federation v2 subgraph schema: the standalone API plus `_service` and `_entities`. */
export const schema: GraphQLSchema = builder.toSubGraphSchema({
  sortSchema: false,
  linkUrl: "https://specs.apollo.dev/federation/v2.6",
});

/**
 * The subgraph SDL a registry would publish, directives included: checked in
 * as schema.graphql (`npm run schema`) and served as `_service { sdl }`.
 */
export function printSchemaSDL(): string {
  return printSubgraphSchema(schema) + "\n";
}
