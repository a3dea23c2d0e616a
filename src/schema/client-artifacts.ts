// What frontend apps build against (contract: "Client artifacts"): the schema
// as a client sees it, without the federation machinery, and Apollo Client's
// possibleTypes map. Both are derived from the subgraph SDL, so they can never
// disagree with what the gateway serves.
import {
  buildSchema,
  isAbstractType,
  Kind,
  parse,
  print,
  printSchema,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import { printSchemaSDL } from "./index.js";

/** Root fields that only a federation router uses. */
const FEDERATION_FIELDS = new Set(["_service", "_entities"]);
/** Types that only a federation router uses. */
const FEDERATION_TYPES = new Set(["_Any", "_Entity", "_Service", "_FieldSet"]);
/** Directives a client schema keeps (graphql-js's own); every other one is federation machinery here. */
const SPECIFIED_DIRECTIVES = new Set(["deprecated", "specifiedBy", "oneOf"]);

export function isFederationName(name: string): boolean {
  return FEDERATION_TYPES.has(name) || FEDERATION_FIELDS.has(name) || /^(link|federation)__/.test(name);
}

/** The subgraph SDL with every federation directive, type, field and schema extension removed. */
export function stripFederation(subgraphSdl: string): DocumentNode {
  const stripped = visit(parse(subgraphSdl), {
    enter(node: ASTNode) {
      switch (node.kind) {
        case Kind.SCHEMA_DEFINITION:
        case Kind.SCHEMA_EXTENSION:
          return null;
        case Kind.DIRECTIVE_DEFINITION:
        case Kind.DIRECTIVE:
          return SPECIFIED_DIRECTIVES.has(node.name.value) ? undefined : null;
        default:
          return "name" in node && node.name?.kind === Kind.NAME && isFederationName(node.name.value) ? null : undefined;
      }
    },
  });
  // A type left without fields (e.g. a Query holding only _service) goes too.
  return {
    ...stripped,
    definitions: stripped.definitions.filter(
      (d) => !(d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) || (d.fields?.length ?? 0) > 0,
    ),
  };
}

/** client/schema.graphql: the gateway's schema as a client sees it; `buildSchema` accepts it as it is. */
export function printClientSchemaSDL(): string {
  return printSchema(buildSchema(print(stripFederation(printSchemaSDL())))) + "\n";
}

/** Apollo Client's possibleTypes: every union and interface with the names of its member types. */
export function possibleTypesOf(schema: GraphQLSchema): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !isAbstractType(type)) continue;
    map[type.name] = schema.getPossibleTypes(type).map((member) => member.name);
  }
  return map;
}

/** client/possible-types.json, from the client schema. */
export function printPossibleTypesJSON(): string {
  return JSON.stringify(possibleTypesOf(buildSchema(printClientSchemaSDL())), null, 2) + "\n";
}
