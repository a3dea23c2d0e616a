// Issue: a Federation v2 subgraph. This subgraph is composed with a second one
// (test/federation/workloads-subgraph.ts) by @apollo/composition and queried
// through a real @apollo/gateway on loopback; the emulator counts upstream reads.
import { composeServices } from "@apollo/composition";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { parse } from "graphql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { startGateway, gql, type TestGateway } from "./support/gateway.js";
import { resetEmulator, SEEDED, startTestEmulator } from "./support/emulator.js";
import { startWorkloadsSubgraph, WORKLOADS_SDL, type WorkloadsSubgraph } from "./federation/workloads-subgraph.js";

const EXTRA_A = "1111111111111111111111111111111a";
const EXTRA_B = "2222222222222222222222222222222b";
const WORKLOADS = [
  { id: SEEDED.roomy, name: "payments-platform" },
  { id: SEEDED.dataLake, name: "data-lake" },
  { id: SEEDED.full, name: "legacy-billing" },
  { id: EXTRA_A, name: "not-in-the-emulator-a" },
  { id: EXTRA_B, name: "not-in-the-emulator-b" },
];

let emulator: RunningEmulator;
let shares: TestGateway;
let workloads: WorkloadsSubgraph;
let router: ApolloServer;
let routerUrl: string;
let sharesSdl: string;

function listRequests(): string[] {
  return emulator.requests.filter((r) => r.method === "GET").map((r) => r.url);
}

beforeAll(async () => {
  emulator = await startTestEmulator("envelope");
  shares = await startGateway(emulator.url);
  workloads = await startWorkloadsSubgraph(WORKLOADS);
  sharesSdl = (await gql(shares.url, "{ _service { sdl } }")).body.data._service.sdl;
  const composed = composeServices([
    { name: "shares", typeDefs: parse(sharesSdl), url: shares.url },
    { name: "workloads", typeDefs: parse(WORKLOADS_SDL), url: workloads.url },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  router = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }) });
  ({ url: routerUrl } = await startStandaloneServer(router, { listen: { port: 0, host: "127.0.0.1" } }));
});

afterAll(async () => {
  await router?.stop();
  await workloads?.close();
  await shares?.close();
  await emulator?.close();
});

beforeEach(() => resetEmulator(emulator.url));

describe("the subgraph SDL", () => {
  it("is served as _service { sdl } and equals the checked-in schema.graphql", async () => {
    const { readFileSync } = await import("node:fs");
    expect(sharesSdl.trim()).toBe(readFileSync(new URL("../schema.graphql", import.meta.url), "utf8").trim());
  });

  it("composes with a subgraph that owns Workload and defines the same error types, with no errors or hints", () => {
    const composed = composeServices([
      { name: "shares", typeDefs: parse(sharesSdl), url: "http://shares" },
      { name: "workloads", typeDefs: parse(WORKLOADS_SDL), url: "http://workloads" },
    ]);
    expect(composed.errors).toBeUndefined();
    expect((composed.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`)).toEqual([]);
  });

  it("resolves Workload references through _entities", async () => {
    const { body } = await gql(
      shares.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Workload { id shares { __typename } } } }`,
      { r: [{ __typename: "Workload", id: SEEDED.dataLake }] },
    );
    expect(body.data._entities).toEqual([{ id: SEEDED.dataLake, shares: { __typename: "WorkloadShareConnection" } }]);
  });
});

describe("through a federation gateway", () => {
  const SHARES_OF_WORKLOADS = `query($ids: [ID!]) { workloads(ids: $ids) { id name shares {
    __typename ... on WorkloadShareConnection { edges { node { sharedWith permissionType } } }
    ... on Error { code } } } }`;

  it("reads the shares of N workloads with exactly N upstream list requests", async () => {
    const response = await gql(routerUrl, SHARES_OF_WORKLOADS, {});
    expect(response.body.errors).toBeUndefined();
    const result = response.body.data.workloads as { id: string; name: string; shares: { __typename: string; edges?: unknown[] } }[];
    expect(result.map((w) => w.name)).toEqual(WORKLOADS.map((w) => w.name));
    const dataLake = result.find((w) => w.id === SEEDED.dataLake);
    expect(dataLake?.shares.edges).toEqual([
      { node: { sharedWith: "111122223333", permissionType: "READONLY" } },
      { node: { sharedWith: "o-exampleorgid1", permissionType: "CONTRIBUTOR" } },
    ]);
    expect(result.find((w) => w.id === EXTRA_A)?.shares).toEqual({ __typename: "ResourceNotFoundError", code: "NOT_FOUND" });
    expect(listRequests()).toHaveLength(WORKLOADS.length);
    expect(new Set(listRequests()).size).toBe(WORKLOADS.length);
  });

  it("adds no upstream request when a workload repeats in the query", async () => {
    const ids = [SEEDED.dataLake, SEEDED.roomy, SEEDED.dataLake, SEEDED.dataLake, SEEDED.roomy];
    const response = await gql(routerUrl, SHARES_OF_WORKLOADS, { ids });
    expect(response.body.data.workloads).toHaveLength(5);
    expect(listRequests().sort()).toEqual(
      [`/workloads/${SEEDED.dataLake}/shares?MaxResults=50`, `/workloads/${SEEDED.roomy}/shares?MaxResults=50`].sort(),
    );
  });

  it("creates a share whose workload the other subgraph completes", async () => {
    const { body } = await gql(
      routerUrl,
      `mutation { createWorkloadShare(input: { workloadId: "${SEEDED.roomy}", sharedWith: "123456789012", permissionType: READONLY, clientRequestToken: "fed-1" }) {
        __typename ... on CreateWorkloadShareSuccess { clientRequestToken share { sharedWith workload { id name } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.createWorkloadShare).toEqual({
      __typename: "CreateWorkloadShareSuccess",
      clientRequestToken: "fed-1",
      share: { sharedWith: "123456789012", workload: { id: SEEDED.roomy, name: "payments-platform" } },
    });
  });

  it("passes typed error results through unchanged", async () => {
    const doc = `mutation { createWorkloadShare(input: { workloadId: "${SEEDED.full}", sharedWith: "123456789012", permissionType: READONLY }) {
      __typename ... on Error { code message retryable } ... on ServiceQuotaExceededError { quotaCode serviceCode resourceId resourceType } } }`;
    const direct = (await gql(shares.url, doc)).body;
    await resetEmulator(emulator.url);
    const federated = (await gql(routerUrl, doc)).body;
    expect(federated.errors).toBeUndefined();
    expect(federated.data).toEqual(direct.data);
    expect(federated.data.createWorkloadShare.__typename).toBe("ServiceQuotaExceededError");

    const invalid = `mutation { createWorkloadShare(input: { workloadId: "nope", sharedWith: "x", permissionType: READONLY }) {
      __typename ... on ValidationError { code fields { path message } } } }`;
    const viaRouter = (await gql(routerUrl, invalid)).body;
    expect(viaRouter.data).toEqual((await gql(shares.url, invalid)).body.data);
    expect(viaRouter.data.createWorkloadShare.fields).toHaveLength(2);
  });
});
