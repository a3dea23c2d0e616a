// Sends each operation as a trusted document: its ID (the sha256 that GraphQL Code
// Generator embedded in the generated document as `__meta__.hash`) and variables,
// never its text, as the GraphQL-over-HTTP persisted-documents proposal says:
//   POST {"documentId": "sha256:…", "operationName": "…", "variables": {…}}
// Apollo's own HttpLink has no option to put `documentId` in the body (its
// persisted-queries link sends extensions.persistedQuery), hence this small
// terminating link; Apollo's parseAndCheckHttpResponse reads the answer.
import { ApolloLink } from "@apollo/client";
import { parseAndCheckHttpResponse } from "@apollo/client/link/http";
import { Observable } from "rxjs";

interface PersistedDocumentMeta {
  __meta__?: { hash?: unknown };
}

/** The document's ID in the manifest, or an error naming an operation the build did not register. */
export function documentIdOf(operation: ApolloLink.Operation): string {
  const hash = (operation.query as PersistedDocumentMeta).__meta__?.hash;
  if (typeof hash !== "string") {
    throw new Error(`${operation.operationName ?? "operation"} has no document ID: write it with graphql() from src/gql and run codegen`);
  }
  return hash;
}

export function persistedDocumentLink(uri: string): ApolloLink {
  return new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        const controller = new AbortController();
        const context = operation.getContext() as { headers?: Record<string, string> };
        const body = {
          documentId: documentIdOf(operation),
          operationName: operation.operationName,
          variables: operation.variables,
        };
        fetch(uri, {
          method: "POST",
          headers: {
            accept: "application/graphql-response+json, application/json",
            "content-type": "application/json",
            ...context.headers,
          },
          body: JSON.stringify(body),
          signal: controller.signal,
        })
          .then((response) => {
            operation.setContext({ response });
            return parseAndCheckHttpResponse(operation)(response);
          })
          .then((result: ApolloLink.Result) => {
            observer.next(result);
            observer.complete();
          })
          .catch((error: unknown) => observer.error(error));
        return () => controller.abort();
      }),
  );
}
