// The Apollo Client for the gateway: a cache that knows which types implement
// Error (without possibleTypes, `... on Error { code message retryable }` is
// silently dropped from every error result), and trusted documents by ID.
import { ApolloClient, InMemoryCache } from "@apollo/client";
// Written by the gateway's `npm run schema`; regenerate it with the schema.
import possibleTypes from "../../../client/possible-types.json";
import { persistedDocumentLink } from "./persisted-document-link";

export function createApolloClient(graphqlUrl: string): ApolloClient {
  return new ApolloClient({
    cache: new InMemoryCache({ possibleTypes }),
    link: persistedDocumentLink(graphqlUrl),
  });
}
