// What the bench sends: the contract's createWorkloadShare mutation to a
// GraphQL server, and the same share creation sent straight to the upstream.
// Every contender answers the same document; `check` is applied to every
// response, so an error is any non-200 or any body without the success type.
import type { LoadOptions } from "./load.js";

export type BenchRequest = Omit<LoadOptions, "connections" | "durationMs">;

export const WORKLOAD_ID = "0123456789abcdef0123456789abcdef";

export const SHARE_MUTATION = `mutation Share($input: CreateWorkloadShareInput!) { createWorkloadShare(input: $input) {
  __typename ... on CreateWorkloadShareSuccess { clientRequestToken share { id createdAt } } ... on Error { code } } }`;

export const SHARE_VARIABLES = { input: { workloadId: WORKLOAD_ID, sharedWith: "123456789012", permissionType: "READONLY" } };

export const SHARE_REQUEST_BODY = JSON.stringify({ query: SHARE_MUTATION, variables: SHARE_VARIABLES, operationName: "Share" });

export function isShareSuccess(status: number, body: string): boolean {
  return status === 200 && body.includes('"__typename":"CreateWorkloadShareSuccess"');
}

/** The mutation to a GraphQL server at `origin` (`/graphql`), with extra headers (e.g. a bearer token). */
export function graphqlShareRequest(origin: string, headers: Record<string, string> = {}): BenchRequest {
  return {
    url: origin,
    path: "/graphql",
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: SHARE_REQUEST_BODY,
    check: isShareSuccess,
  };
}

/** The same share creation sent straight to the bench's upstream: the floor every contender is measured above. */
export function directShareRequest(upstreamOrigin: string): BenchRequest {
  return {
    url: upstreamOrigin,
    path: `/workloads/${WORKLOAD_ID}/shares`,
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ SharedWith: "123456789012", PermissionType: "READONLY", ClientRequestToken: "6f1c3e1a-8d8e-4c55-9d0e-0d5b7e0c1a11" }),
    check: (status, body) => status === 200 && body.includes('"success":true'),
  };
}
