// A small second subgraph for the federation tests: it owns Workload { id name }
// and Query.workloads, and defines the shared error types identically.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { createYoga } from "graphql-yoga";

export const WORKLOADS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])

  type Workload @key(fields: "id") {
    id: ID!
    name: String!
  }

  type Query {
    "The given workloads, in order (repeats allowed), or all of them."
    workloads(ids: [ID!]): [Workload!]!
  }

  interface Error {
    message: String!
    code: String!
    retryable: Boolean!
  }

  type AccessDeniedError implements Error @shareable {
    message: String!
    code: String!
    retryable: Boolean!
  }

  type FieldError @shareable {
    path: [String!]!
    message: String!
  }

  type ValidationError implements Error @shareable {
    message: String!
    code: String!
    retryable: Boolean!
    fields: [FieldError!]!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    endCursor: String
  }
`;

export interface WorkloadsSubgraph {
  url: string;
  close(): Promise<void>;
}

export async function startWorkloadsSubgraph(workloads: { id: string; name: string }[]): Promise<WorkloadsSubgraph> {
  const byId = new Map(workloads.map((w) => [w.id, w]));
  const schema = buildSubgraphSchema({
    typeDefs: parse(WORKLOADS_SDL),
    resolvers: {
      Query: {
        workloads: (_: unknown, args: { ids?: string[] | null }) =>
          args.ids ? args.ids.map((id) => byId.get(id) ?? { id, name: `unknown-${id.slice(0, 6)}` }) : workloads,
      },
      Workload: {
        __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? { id: ref.id, name: `unknown-${ref.id.slice(0, 6)}` },
      },
      Error: { __resolveType: () => null },
    },
  });
  const yoga = createYoga({ schema, graphqlEndpoint: "/graphql", landingPage: false, graphiql: false });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
