// Which document a request names: `documentId` in a POST body or a GET's
// query string (the GraphQL-over-HTTP persisted-documents proposal), or
// Apollo's `extensions.persistedQuery` (a lookup only: nothing is registered).
import type { GraphQLParams } from "graphql-yoga";
import { lookupKey } from "./document-id.js";
import { badRequest } from "./refusals.js";

const PERSISTED_QUERY_SHAPE = 'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<64 hex>"}';

function documentIdOf(params: GraphQLParams, request: Request): unknown {
  // yoga's GET parser keeps only query, operationName, variables and extensions.
  if (request.method === "GET") return new URL(request.url).searchParams.get("documentId") ?? undefined;
  return (params as GraphQLParams & { documentId?: unknown }).documentId;
}

function persistedQueryHashOf(params: GraphQLParams): string | undefined {
  const persistedQuery: unknown = params.extensions?.persistedQuery;
  if (persistedQuery === undefined || persistedQuery === null) return undefined;
  if (typeof persistedQuery !== "object") throw badRequest(PERSISTED_QUERY_SHAPE);
  const { version, sha256Hash } = persistedQuery as Record<string, unknown>;
  if (version !== 1 || typeof sha256Hash !== "string" || sha256Hash === "") throw badRequest(PERSISTED_QUERY_SHAPE);
  return sha256Hash;
}

/** The ID as the request sent it, or null when it names none; a malformed ID is a BAD_REQUEST refusal. */
export function requestedDocumentId(params: GraphQLParams, request: Request): string | null {
  const documentId = documentIdOf(params, request);
  const hash = persistedQueryHashOf(params);
  if (documentId !== undefined && documentId !== null && (typeof documentId !== "string" || documentId === "")) {
    throw badRequest("documentId must be a non-empty string");
  }
  const id = typeof documentId === "string" ? documentId : undefined;
  if (id !== undefined && hash !== undefined && lookupKey(id) !== lookupKey(hash)) {
    throw badRequest("documentId and extensions.persistedQuery name different documents");
  }
  return id ?? hash ?? null;
}
