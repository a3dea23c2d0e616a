// Contract "Client artifacts", from the client's side: a real Apollo Client 4
// (InMemoryCache, HttpLink) against the running gateway. With the shipped
// client/possible-types.json, `... on Error { code message retryable }` on a
// ValidationError comes back complete; without it the cache cannot know that
// ValidationError implements Error and silently drops those fields (no error,
// no warning in production): the bug the artifact exists to fix.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApolloClient, HttpLink, InMemoryCache, gql, type PossibleTypesMap } from "@apollo/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { SEEDED, startTestEmulator } from "./support/emulator.js";
import { startGateway, type TestGateway } from "./support/gateway.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const shippedPossibleTypes = JSON.parse(readFileSync(`${root}/client/possible-types.json`, "utf8")) as PossibleTypesMap;

const SHARES = gql`
  query Shares($workloadId: ID!, $first: Int) {
    workloadShares(workloadId: $workloadId, first: $first) {
      __typename
      ... on WorkloadShareConnection {
        edges {
          node {
            id
            sharedWith
          }
        }
      }
      ... on Error {
        code
        message
        retryable
      }
      ... on ValidationError {
        fields {
          path
          message
        }
      }
    }
  }
`;

const CREATE = gql`
  mutation Create($input: CreateWorkloadShareInput!) {
    createWorkloadShare(input: $input) {
      __typename
      ... on CreateWorkloadShareSuccess {
        clientRequestToken
        share {
          id
        }
      }
      ... on Error {
        code
        message
        retryable
      }
      ... on ValidationError {
        fields {
          path
          message
        }
      }
    }
  }
`;

interface ErrorResult {
  __typename: string;
  code?: string;
  message?: string;
  retryable?: boolean;
  fields?: { path: string[]; message: string }[];
}

describe("a real Apollo Client 4 against the running gateway: possibleTypes decide whether `... on Error` fields arrive", () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    gateway = await startGateway(emulator.url);
  });

  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
  });

  function client(possibleTypes: PossibleTypesMap | undefined): ApolloClient {
    return new ApolloClient({
      cache: new InMemoryCache(possibleTypes ? { possibleTypes } : {}),
      link: new HttpLink({ uri: gateway.url }),
    });
  }

  async function readShares(possibleTypes: PossibleTypesMap | undefined): Promise<ErrorResult> {
    const { data } = await client(possibleTypes).query({
      query: SHARES,
      variables: { workloadId: SEEDED.dataLake, first: 0 },
      fetchPolicy: "network-only",
    });
    return (data as { workloadShares: ErrorResult }).workloadShares;
  }

  it("with the shipped possible-types.json: a query's ValidationError has code, message, retryable and its fields", async () => {
    const result = await readShares(shippedPossibleTypes);
    expect(result).toMatchObject({ __typename: "ValidationError", code: "VALIDATION_ERROR", retryable: false });
    expect(result.message).toMatch(/\S/);
    expect(result.fields).toEqual([expect.objectContaining({ path: ["first"] })]);
  });

  it("without possibleTypes: the same answer loses code, message and retryable (what the artifact fixes)", async () => {
    const result = await readShares(undefined);
    expect(result.__typename).toBe("ValidationError");
    expect(result.fields).toEqual([expect.objectContaining({ path: ["first"] })]);
    expect(result.code).toBeUndefined();
    expect(result.message).toBeUndefined();
    expect(result.retryable).toBeUndefined();
  });

  it("with the shipped possible-types.json: a mutation's ValidationError has code, message and retryable too", async () => {
    const { data } = await client(shippedPossibleTypes).mutate({
      mutation: CREATE,
      variables: { input: { workloadId: SEEDED.roomy, sharedWith: "123", permissionType: "READONLY" } },
    });
    const result = (data as { createWorkloadShare: ErrorResult }).createWorkloadShare;
    expect(result).toMatchObject({ __typename: "ValidationError", code: "VALIDATION_ERROR", retryable: false });
    expect(result.fields?.map((f) => f.path)).toEqual([["input", "sharedWith"]]);
    expect(emulator.requests).toHaveLength(0);
  });

  it("the shipped map is a real InMemoryCache possibleTypes: a successful create reads back through the cache", async () => {
    const apollo = client(shippedPossibleTypes);
    const { data } = await apollo.mutate({
      mutation: CREATE,
      variables: { input: { workloadId: SEEDED.roomy, sharedWith: "123456789012", permissionType: "READONLY" } },
    });
    const created = (data as { createWorkloadShare: { __typename: string; share: { id: string } } }).createWorkloadShare;
    expect(created.__typename).toBe("CreateWorkloadShareSuccess");
    const { data: listed } = await apollo.query({ query: SHARES, variables: { workloadId: SEEDED.roomy }, fetchPolicy: "network-only" });
    const page = (listed as { workloadShares: { __typename: string; edges: { node: { id: string } }[] } }).workloadShares;
    expect(page.__typename).toBe("WorkloadShareConnection");
    expect(page.edges.map((e) => e.node.id)).toEqual([created.share.id]);
  });
});
