// Trusted documents (TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_ONLY). Every
// operation of the request (each of a batch) is decided once its body is
// parsed, before any of them runs: an unknown ID, a query that is not the
// document its ID names, or (only-mode) a query without an ID refuses the
// whole request with HTTP 400, and nothing executes. The protocol, putting
// the trusted text in place of the ID, is @graphql-yoga/plugin-persisted-operations,
// told where our IDs are (documentId too) and given our errors.
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import type { GraphQLParams, Plugin } from "graphql-yoga";
import { badRequest, mismatch, notFound, onlyTrustedDocuments } from "../../trusted-documents/refusals.js";
import { requestedDocumentId } from "../../trusted-documents/requested-id.js";
import type { TrustedDocumentSet } from "../../trusted-documents/trusted-document-set.js";
import { recordOf } from "../request-record.js";

export interface TrustedDocumentsOptions {
  /** TRUSTED_DOCUMENTS_ONLY: only manifest documents execute. */
  only: boolean;
  /** The set in force now; a reload replaces it for new requests. */
  documents: () => TrustedDocumentSet;
  /** Called when the gateway is disposed (stops the reloading). */
  onDispose?: () => void;
}

/** The set a request was decided with, so a reload during the request cannot change its answer. */
const setOfRequest = new WeakMap<Request, TrustedDocumentSet>();
/** The trusted text of each operation that named a document. */
const trustedTexts = new WeakMap<GraphQLParams, string>();

/** The text an operation runs: its query, or the trusted document its ID names (for the other operations of a batch). */
export function operationText(params: GraphQLParams): string | undefined {
  return params.query ?? trustedTexts.get(params);
}

const hasQuery = (params: GraphQLParams): boolean => typeof params.query === "string" ? params.query !== "" : params.query != null;

function decide(params: GraphQLParams, request: Request, set: TrustedDocumentSet, only: boolean): void {
  const id = requestedDocumentId(params, request);
  if (id === null) {
    if (!hasQuery(params)) throw missingDocument(only);
    if (only) throw onlyTrustedDocuments();
    return;
  }
  recordOf(request).documentIds.push(id);
  const document = set.lookup(id);
  // Also when a query comes with the ID: nothing is ever registered by a request.
  if (document === undefined) throw notFound();
  if (hasQuery(params) && params.query !== document.text) throw mismatch();
  trustedTexts.set(params, document.text);
}

function missingDocument(only: boolean) {
  return badRequest(only ? "Send a documentId (or extensions.persistedQuery)" : "Send a query, a documentId or extensions.persistedQuery");
}

export function useTrustedDocuments(options: TrustedDocumentsOptions): Plugin {
  const { only, documents } = options;
  const lookupFor = (request: Request): TrustedDocumentSet => setOfRequest.get(request) ?? documents();
  return {
    onPluginInit({ addPlugin }) {
      // Added after this plugin: its onParams runs after ours.
      addPlugin(
        usePersistedOperations({
          allowArbitraryOperations: !only,
          extractPersistedOperationId: (params, request) => requestedDocumentId(params, request),
          getPersistedOperation: (id, request) => lookupFor(request).lookup(id)?.text ?? null,
          // The plugin's own codes (PERSISTED_QUERY_NOT_IN_LIST, CANNOT_SEND_PQ_ID_AND_BODY, ...) are not the
          // contract's. Each case was already refused in onRequestParseDone; these are the same answers.
          customErrors: {
            notFound: () => notFound(),
            persistedQueryOnly: () => onlyTrustedDocuments(),
            keyNotFound: () => missingDocument(only),
          },
        }),
      );
    },
    onRequestParse({ request }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          const set = documents();
          setOfRequest.set(request, set);
          for (const params of [requestParserResult].flat()) decide(params, request, set, only);
        },
      };
    },
    onParams({ params, setParams }) {
      // A query sent with the ID of that very document: the ID decides, as when it comes alone
      // (the persisted-operations plugin would otherwise take the query as an arbitrary one).
      if (trustedTexts.has(params) && hasQuery(params)) setParams({ ...params, query: undefined });
    },
    onDispose: options.onDispose,
  };
}
