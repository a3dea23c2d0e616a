// Issue: a Federation v2 subgraph. This subgraph is composed with a second one
// (test/federation/workloads-subgraph.ts) by @apollo/composition and queried
// through a real @apollo/gateway on loopback; the emulator counts upstream reads.
import { composeServices } from "@apollo/composition";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { Trace } from "@apollo/usage-reporting-protobuf";
import { startStandaloneServer } from "@apollo/server/standalone";
import { isObjectType, parse, type GraphQLObjectType } from "graphql";
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
/** A router that records traces, as Apollo's usage reporting does, and keeps each request's query plan trace. */
let tracingRouter: ApolloServer;
let tracingRouterUrl: string;
const queryPlanTraces: (Trace.IQueryPlanNode | undefined)[] = [];
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
  // What ApolloServerPluginUsageReporting does for a request it traces: the gateway then asks each
  // subgraph for ftv1 and decodes the answer into the fetch nodes of the query plan trace.
  const recordTraces: ApolloServerPlugin = {
    async requestDidStart({ metrics }) {
      metrics.captureTraces = true;
      return {
        async willSendResponse({ metrics: done }) {
          queryPlanTraces.push(done.queryPlanTrace);
        },
      };
    },
  };
  tracingRouter = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }), plugins: [recordTraces] });
  ({ url: tracingRouterUrl } = await startStandaloneServer(tracingRouter, { listen: { port: 0, host: "127.0.0.1" } }));
});

afterAll(async () => {
  await tracingRouter?.stop();
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

describe("Apollo federated tracing (ftv1)", () => {
  const FTV1 = { "apollo-federation-include-trace": "ftv1" };
  const decode = (ftv1: unknown): Trace => Trace.decode(Buffer.from(String(ftv1), "base64"));
  const responseNames = (node: Trace.INode | null | undefined): string[] => (node?.child ?? []).map((c) => c.responseName ?? "");

  /** The fetch nodes of a query plan trace, depth first. */
  function fetches(node: Trace.IQueryPlanNode | null | undefined): Trace.QueryPlanNode.IFetchNode[] {
    if (!node) return [];
    if (node.fetch) return [node.fetch];
    if (node.flatten) return fetches(node.flatten.node);
    return [...(node.sequence?.nodes ?? []), ...(node.parallel?.nodes ?? [])].flatMap(fetches);
  }

  it("a request with apollo-federation-include-trace: ftv1 gets extensions.ftv1, the base64 Apollo trace of its execution", async () => {
    const { body } = await gql(shares.url, `{ workloadShares(workloadId: "${SEEDED.dataLake}") { __typename } }`, {}, FTV1);
    expect(body.data.workloadShares.__typename).toBe("WorkloadShareConnection");
    const trace = decode((body as { extensions?: { ftv1?: unknown } }).extensions?.ftv1);
    expect(responseNames(trace.root)).toEqual(["workloadShares"]);
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
    expect(Number(trace.endTime?.seconds)).toBeGreaterThanOrEqual(Number(trace.startTime?.seconds));
  });

  it("times nested fields too: the trace has a node per resolved field", async () => {
    const query = `{ workloadShares(workloadId: "${SEEDED.dataLake}") { ... on WorkloadShareConnection { pageInfo { hasNextPage } } } }`;
    const { body } = await gql(shares.url, query, {}, FTV1);
    const trace = decode((body as { extensions?: { ftv1?: unknown } }).extensions?.ftv1);
    const connection = trace.root?.child?.[0];
    expect(responseNames(trace.root)).toEqual(["workloadShares"]);
    expect(responseNames(connection)).toEqual(["pageInfo"]);
    expect(responseNames(connection?.child?.[0])).toEqual(["hasNextPage"]);
  });

  it("costs untraced requests no per-field hook: each resolver the trace wraps calls the one it wrapped unless the request is traced", () => {
    // The trace plugin times fields by wrapping every resolver (@envelop/on-resolve, added two plugins down).
    const schema = shares.gateway.getEnveloped({}).schema;
    const resolvers = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith("__"))
      .flatMap((type) => Object.values((type as GraphQLObjectType).getFields()))
      .map((field) => field.resolve?.name);
    expect(resolvers.length).toBeGreaterThan(20);
    expect(new Set(resolvers)).toEqual(new Set(["tracedOnly"]));
  });

  it("other requests never get extensions.ftv1 (no header, or another value)", async () => {
    const variants: Record<string, string>[] = [{}, { "apollo-federation-include-trace": "ftv2" }, { "apollo-federation-include-trace": "" }];
    for (const headers of variants) {
      const { body } = await gql(shares.url, `{ workloadShares(workloadId: "${SEEDED.dataLake}") { __typename } }`, {}, headers);
      expect(body).not.toHaveProperty("extensions.ftv1");
    }
    // A router that is not recording traces does not ask for it either.
    const viaRouter = await gql(routerUrl, `{ workloadShares(workloadId: "${SEEDED.dataLake}") { __typename } }`);
    expect(viaRouter.body).not.toHaveProperty("extensions.ftv1");
  });

  it("errors appear in the trace masked, never with their message", async () => {
    const secret = "representation-never-in-a-trace";
    const { body } = await gql(
      shares.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
      { r: [{ __typename: secret, id: SEEDED.dataLake }] },
      FTV1,
    );
    expect(body.errors?.length).toBeGreaterThan(0);
    const ftv1 = (body as { extensions?: { ftv1?: unknown } }).extensions?.ftv1;
    const errors = JSON.stringify(decode(ftv1).toJSON());
    expect(errors).toContain("<masked>");
    expect(Buffer.from(String(ftv1), "base64").toString("latin1")).not.toContain(secret);
  });

  it("the gateway's query plan trace holds this subgraph's trace for its fetches", async () => {
    queryPlanTraces.length = 0;
    const { body } = await gql(
      tracingRouterUrl,
      `query Shares { workloads(ids: ["${SEEDED.dataLake}", "${SEEDED.roomy}"]) { name shares { __typename } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body).not.toHaveProperty("extensions.ftv1"); // the trace goes to the router, not to its client
    const sharesFetches = fetches(queryPlanTraces.at(-1)).filter((f) => f.serviceName === "shares");
    expect(sharesFetches).toHaveLength(1);
    const [fetch] = sharesFetches;
    expect(fetch?.traceParsingFailed).toBeFalsy();
    expect(responseNames(fetch?.trace?.root)).toEqual(["_entities"]);
    expect(Number(fetch?.trace?.durationNs)).toBeGreaterThan(0);
    // Each entity of the batch, and the field this subgraph resolved on it.
    const entities = fetch?.trace?.root?.child?.[0]?.child ?? [];
    expect(entities.map((e) => e.index)).toEqual([0, 1]);
    expect(entities.map((e) => responseNames(e))).toEqual([["shares"], ["shares"]]);
  });
});
