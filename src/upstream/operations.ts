// The four REST operations: what each takes, what it answers, and how its
// request is laid out. Inputs reach here only after validation.
import type { PermissionType, SharePage, ShareStatus, WorkloadShare } from "../shares/model.js";
import { LIMITS } from "../shares/constraints.js";

export interface CreateShareInput {
  workloadId: string;
  sharedWith: string;
  permissionType: PermissionType;
  clientRequestToken: string;
}

export interface ListSharesInput {
  workloadId: string;
  sharedWithPrefix?: string | null;
  status?: ShareStatus | null;
  maxResults?: number | null;
  nextToken?: string | null;
}

export interface UpdateShareInput {
  workloadId: string;
  shareId: string;
  permissionType: PermissionType;
}

export interface DeleteShareInput {
  workloadId: string;
  shareId: string;
  clientRequestToken: string;
}

export interface DeletedShare {
  deletedShareId: string;
}

export interface OperationIO {
  CreateWorkloadShare: { input: CreateShareInput; output: WorkloadShare };
  ListWorkloadShares: { input: ListSharesInput; output: SharePage };
  UpdateWorkloadShare: { input: UpdateShareInput; output: WorkloadShare };
  DeleteWorkloadShare: { input: DeleteShareInput; output: DeletedShare };
}

export type OperationName = keyof OperationIO;
export type InputOf<N extends OperationName> = OperationIO[N]["input"];
export type OutputOf<N extends OperationName> = OperationIO[N]["output"];

export interface RestRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path below the base URL, every label percent-encoded. */
  path: string;
  /** Query parameters in the order they are sent (sorted by name). */
  query: [string, string][];
  body: string | null;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** RFC 3986 percent-encoding: unreserved characters stay, everything else is escaped (space is %20). */
export function percentEncode(value: string): string {
  // Identifiers are almost always unreserved characters only: nothing to escape.
  if (UNRESERVED.test(value)) return value;
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function formatQuery(query: [string, string][]): string {
  if (query.length === 0) return "";
  return "?" + query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join("&");
}

function sharesPath(workloadId: string): string {
  return `/workloads/${percentEncode(workloadId)}/shares`;
}

function sortedQuery(entries: [string, string | null | undefined][]): [string, string][] {
  return entries
    .filter((e): e is [string, string] => e[1] !== null && e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const buildRequest: { [N in OperationName]: (input: InputOf<N>) => RestRequest } = {
  CreateWorkloadShare: (input) => ({
    method: "POST",
    path: sharesPath(input.workloadId),
    query: [],
    body: JSON.stringify({
      SharedWith: input.sharedWith,
      PermissionType: input.permissionType,
      ClientRequestToken: input.clientRequestToken,
    }),
  }),
  ListWorkloadShares: (input) => ({
    method: "GET",
    path: sharesPath(input.workloadId),
    query: sortedQuery([
      ["MaxResults", String(input.maxResults ?? LIMITS.maxResults.default)],
      ["NextToken", input.nextToken],
      ["SharedWithPrefix", input.sharedWithPrefix],
      ["Status", input.status],
    ]),
    body: null,
  }),
  UpdateWorkloadShare: (input) => ({
    method: "PATCH",
    path: `${sharesPath(input.workloadId)}/${percentEncode(input.shareId)}`,
    query: [],
    body: JSON.stringify({ PermissionType: input.permissionType }),
  }),
  DeleteWorkloadShare: (input) => ({
    method: "DELETE",
    path: `${sharesPath(input.workloadId)}/${percentEncode(input.shareId)}`,
    query: [["ClientRequestToken", input.clientRequestToken]],
    body: null,
  }),
};

export function buildRestRequest<N extends OperationName>(name: N, input: InputOf<N>): RestRequest {
  return (buildRequest[name] as (input: InputOf<N>) => RestRequest)(input);
}
