// The whole schema: each module adds its types to the builder.
import { printSchema, type GraphQLSchema } from "graphql";
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

export const schema: GraphQLSchema = builder.toSchema({ sortSchema: false });

/** The SDL checked in as schema.graphql (`npm run schema`). */
export function printSchemaSDL(): string {
  return printSchema(schema) + "\n";
}
