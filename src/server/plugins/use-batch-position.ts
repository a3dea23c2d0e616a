// Remembers the operations of a batched HTTP request, so each operation's
// context knows its index in the batch and its siblings (for client tokens).
// The index is taken when the operation's parameters arrive, before a later
// plugin (trusted documents) replaces them with a new object.
import type { GraphQLParams, Plugin } from "graphql-yoga";

const batches = new WeakMap<Request, GraphQLParams[]>();
/** Keyed by the operation's context, which yoga creates per operation of a batch. */
const indexes = new WeakMap<object, number>();

export function useBatchPosition(): Plugin {
  return {
    onRequestParse({ request }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) batches.set(request, requestParserResult);
        },
      };
    },
    onParams({ request, params, context }) {
      const operations = batches.get(request);
      if (operations !== undefined) indexes.set(context, Math.max(0, operations.indexOf(params)));
    },
  };
}

export interface BatchPosition {
  index: number;
  /** Every operation of the HTTP request as it was sent; null when it was not batched. */
  operations: GraphQLParams[] | null;
}

const NOT_BATCHED: BatchPosition = Object.freeze({ index: 0, operations: null });

/** The position of the operation whose context this is. */
export function batchPosition(request: Request, context: object): BatchPosition {
  const operations = batches.get(request) ?? null;
  if (operations === null) return NOT_BATCHED;
  return { index: indexes.get(context) ?? 0, operations };
}
