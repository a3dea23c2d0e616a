// Remembers the operations of a batched HTTP request, so each operation's
// context knows its index in the batch and its siblings (for client tokens).
import type { GraphQLParams, Plugin } from "graphql-yoga";

const batches = new WeakMap<Request, GraphQLParams[]>();

export function useBatchPosition(): Plugin {
  return {
    onRequestParse({ request }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) batches.set(request, requestParserResult);
        },
      };
    },
  };
}

export interface BatchPosition {
  index: number;
  /** Every operation of the HTTP request; null when it was not batched. */
  operations: GraphQLParams[] | null;
}

export function batchPosition(request: Request, params: GraphQLParams): BatchPosition {
  const operations = batches.get(request) ?? null;
  if (operations === null) return { index: 0, operations: null };
  return { index: Math.max(0, operations.indexOf(params)), operations };
}
