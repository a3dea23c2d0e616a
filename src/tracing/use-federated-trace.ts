// Apollo federated tracing (ftv1): a request with the header
// `apollo-federation-include-trace: ftv1` (sent by Apollo routers and
// @apollo/gateway when they record a trace) gets the base64 Apollo trace of its
// execution in `extensions.ftv1`; every other request is left alone.
// Errors appear in the trace as `<masked>`, as Apollo Server's own subgraph
// default does: their messages and extensions can carry what a client sent.
import { useApolloInlineTrace } from "@graphql-yoga/plugin-apollo-inline-trace";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

export const FEDERATED_TRACE_HEADER = "apollo-federation-include-trace";

export function useFederatedTrace(): Plugin {
  return useApolloInlineTrace({
    ignoreRequest: (request) => request.headers.get(FEDERATED_TRACE_HEADER) !== "ftv1",
    rewriteError: () => new GraphQLError("<masked>", { extensions: { maskedBy: "workload-share-gateway" } }),
  });
}
