// Before measuring, the bench proves a gateway runs with production settings:
// a request without a token is refused (401) and so is a document over
// MAX_DEPTH (a 4xx). It throws when either is not so.
import { SHARE_REQUEST_BODY, WORKLOAD_ID } from "./workload.js";

export interface ProductionProof {
  withoutTokenStatus: number;
  overMaxDepthStatus: number;
}

export async function proveProductionSettings(origin: string, authorization: string): Promise<ProductionProof> {
  const unauthenticated = await fetch(`${origin}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: SHARE_REQUEST_BODY });
  await unauthenticated.arrayBuffer();
  if (unauthenticated.status !== 401) throw new Error(`caller auth is not on: a request without a token got ${unauthenticated.status}`);
  // 20 levels of share -> workload -> shares: over MAX_DEPTH (12).
  let deepSelection = "id";
  for (let i = 0; i < 5; i++) deepSelection = `shares { ... on WorkloadShareConnection { edges { node { workload { ${deepSelection} } } } } }`;
  const deep = `{ workloadShares(workloadId: "${WORKLOAD_ID}") { ... on WorkloadShareConnection { edges { node { workload { ${deepSelection} } } } } } }`;
  const limited = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization },
    body: JSON.stringify({ query: deep }),
  });
  await limited.arrayBuffer();
  if (limited.status < 400 || limited.status >= 500) throw new Error(`limits are not on: a document over MAX_DEPTH got ${limited.status}`);
  return { withoutTokenStatus: unauthenticated.status, overMaxDepthStatus: limited.status };
}
