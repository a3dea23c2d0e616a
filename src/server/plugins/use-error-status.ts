// Status codes and shape of top-level errors. GraphQL over HTTP lets a server
// answer 200 for a document that fails to parse or validate when the client
// asked for application/json; the gateway keeps that for clients that
// explicitly accept application/json and answers 400 to everyone else
// (curl's */*, no Accept), so a bad request is visibly a bad request.
// Yoga's `originalError` detail (e.g. the JSON parser's excerpt of the body)
// never reaches the client.
import { GraphQLError, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";

interface HttpExtension {
  status?: number;
  spec?: boolean;
  headers?: Record<string, string>;
}

function acceptsJsonExplicitly(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return accept.split(",").some((part) => part.split(";")[0]?.trim().toLowerCase() === "application/json");
}

/** A copy: parse and validation errors are cached and shared between requests. */
function adjusted(error: GraphQLError, legacyJson: boolean): GraphQLError {
  const { originalError: detail, http, ...rest } = error.extensions as Record<string, unknown> & { http?: HttpExtension };
  // Object.assign, not spreads: a spread's copy that then gets a property is slow on Node 20 (client.ts withAttempts).
  const extensions: Record<string, unknown> = Object.assign({}, rest);
  // Yoga answers 400 even to application/json when the error came from outside GraphQL (e.g. invalid JSON).
  const notGraphQL = detail !== undefined && !(detail instanceof GraphQLError);
  if (http !== undefined) extensions.http = http.spec === true && (!legacyJson || notGraphQL) ? Object.assign({}, http, { spec: false }) : http;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}

function adjustedResult(result: ExecutionResult, legacyJson: boolean): ExecutionResult {
  if (!result.errors?.length) return result;
  return Object.assign({}, result, { errors: result.errors.map((error) => adjusted(error, legacyJson)) });
}

export function useErrorStatus(): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (Symbol.asyncIterator in Object(result)) return;
      const legacyJson = acceptsJsonExplicitly(request);
      const results = result as ExecutionResult | ExecutionResult[];
      setResult(Array.isArray(results) ? results.map((r) => adjustedResult(r, legacyJson)) : adjustedResult(results, legacyJson));
    },
  };
}
