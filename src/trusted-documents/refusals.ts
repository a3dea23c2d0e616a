// The answers to a request the trusted documents refuse: HTTP 400 whatever
// the Accept header, with `extensions.code`, and nothing executed.
import type { GraphQLError } from "graphql";
import { createGraphQLError } from "graphql-yoga";

export type RefusalCode = "PERSISTED_QUERY_NOT_FOUND" | "PERSISTED_QUERY_ONLY" | "PERSISTED_QUERY_MISMATCH" | "BAD_REQUEST";

function refusal(code: RefusalCode, message: string): GraphQLError {
  return createGraphQLError(message, { extensions: { code, http: { status: 400, spec: false } } });
}

export const notFound = (): GraphQLError =>
  refusal(
    "PERSISTED_QUERY_NOT_FOUND",
    "PersistedQueryNotFound: no trusted document has this ID (documents are registered by deploying a manifest, never by a request)",
  );

export const onlyTrustedDocuments = (): GraphQLError =>
  refusal(
    "PERSISTED_QUERY_ONLY",
    "Only trusted documents run here: send the documentId (or extensions.persistedQuery) of a document your app's build registered, not the document itself",
  );

export const mismatch = (): GraphQLError =>
  refusal("PERSISTED_QUERY_MISMATCH", "The query sent is not the trusted document its ID names");

export const badRequest = (message: string): GraphQLError => refusal("BAD_REQUEST", message);
