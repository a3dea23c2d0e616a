// A manifest document is checked by the gateway's own parse and validate (its
// schema, its validation rules and its document limits), so it is judged
// exactly as the same text sent in a request would be.
import { GraphQLError, type DocumentNode, type GraphQLSchema } from "graphql";
import type { DocumentCheck } from "./trusted-document-set.js";

export interface DocumentPipeline {
  schema: GraphQLSchema;
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
}

function describe(error: GraphQLError, stage: "parse" | "validate"): string {
  if (error.extensions.limit !== undefined) return `exceeds a document limit: ${error.message}`;
  return stage === "parse" ? `does not parse: ${error.message}` : `is not valid against the schema: ${error.message}`;
}

export function checkWith(pipeline: () => DocumentPipeline): DocumentCheck {
  return (text) => {
    const { schema, parse, validate } = pipeline();
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch (error) {
      if (error instanceof GraphQLError) return describe(error, "parse");
      return `does not parse: ${error instanceof Error ? error.message : String(error)}`;
    }
    const [first] = validate(schema, document);
    return first === undefined ? null : describe(first, "validate");
  };
}
