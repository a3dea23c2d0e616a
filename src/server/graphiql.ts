// GraphiQL served entirely from the installed @graphql-yoga/render-graphiql
// (no CDN), with a ready createWorkloadShare as its default document.
import type { GraphiQLOptions } from "graphql-yoga";
import { DEFAULT_WORKLOAD_ID } from "../emulator/seed.js";

/** Fixed, so running the default document again replays the same success. */
export const GRAPHIQL_EXAMPLE_TOKEN = "graphiql-example-share-0001";

export const DEFAULT_DOCUMENT = `# Shares the emulator's seeded "payments-platform" workload with account
# 123456789012. The fixed clientRequestToken makes a second run replay the
# same success instead of creating a second share.
mutation ShareWorkload {
  createWorkloadShare(
    input: {
      workloadId: "${DEFAULT_WORKLOAD_ID}"
      sharedWith: "123456789012"
      permissionType: READONLY
      clientRequestToken: "${GRAPHIQL_EXAMPLE_TOKEN}"
    }
  ) {
    __typename
    ... on CreateWorkloadShareSuccess {
      clientRequestToken
      share {
        id
        workloadId
        sharedWith
        permissionType
        createdAt
      }
    }
    ... on Error {
      code
      message
      retryable
    }
  }
}
`;

export type GraphiQLRenderer = (options: GraphiQLOptions) => string;

/** Imported only when GraphiQL is on: the page is large and costs memory once loaded. */
export async function loadGraphiQLRenderer(): Promise<GraphiQLRenderer> {
  const { renderGraphiQL } = await import("@graphql-yoga/render-graphiql");
  return renderGraphiQL;
}

export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: "Workload share gateway",
  defaultQuery: DEFAULT_DOCUMENT,
};
