// Reading shares: `workloadShares` and `Workload.shares`, one union, one
// page-wise Relay connection over ListWorkloadShares.
import {
  checkMaxResults,
  checkSharedWithPrefix,
  checkWorkloadId,
  ProblemList,
} from "../shares/constraints.js";
import type { SharePage, ShareStatus, WorkloadShare } from "../shares/model.js";
import { builder } from "./builder.js";
import type { GatewayContext } from "./context.js";
import { ShareStatusEnum } from "./enums.js";
import { errorMembers, invalidInput, resultUnionDescription, toResultError, type ResultError } from "./errors.js";
import { fieldPathMapper } from "./field-paths.js";
import { readRefusal } from "./share-access.js";
import { WorkloadRef, WorkloadShareRef } from "./workload-share.js";

export class WorkloadShareConnection {
  readonly edges: { cursor: string; node: WorkloadShare }[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };

  constructor(page: SharePage) {
    // Paging is page-wise: every edge's cursor is its page's end cursor.
    const cursor = page.nextToken ?? "";
    this.edges = page.shares.map((node) => ({ cursor, node }));
    this.pageInfo = { hasNextPage: page.nextToken !== null, endCursor: page.nextToken };
  }
}

const PageInfoRef = builder.objectRef<WorkloadShareConnection["pageInfo"]>("PageInfo").implement({
  shareable: true,
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage"),
    endCursor: t.exposeString("endCursor", { nullable: true }),
  }),
});

const EdgeRef = builder.objectRef<WorkloadShareConnection["edges"][number]>("WorkloadShareEdge").implement({
  fields: (t) => ({
    cursor: t.exposeString("cursor"),
    node: t.field({ type: WorkloadShareRef, resolve: (edge) => edge.node }),
  }),
});

builder.objectType(WorkloadShareConnection, {
  name: "WorkloadShareConnection",
  isTypeOf: (value) => value instanceof WorkloadShareConnection,
  description: [
    "A Relay-style page of shares; cursors are the upstream's NextToken. Appears when the upstream listed",
    "the shares (a 2xx answer it could read).",
  ].join("\n"),
  fields: (t) => ({
    edges: t.field({ type: [EdgeRef], resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
  }),
});

const KINDS = ["validation", "accessDenied", "notFound", "throttling", "upstream"] as const;

export const WorkloadSharesResult = builder.errorUnion("WorkloadSharesResult", {
  description: resultUnionDescription("workloadShares (and Workload.shares)", "WorkloadShareConnection"),
  types: [WorkloadShareConnection, ...errorMembers(KINDS)],
});

const fieldPath = fieldPathMapper([], ["workloadId", "sharedWithPrefix", "status", "first", "after"], {
  MaxResults: "first",
  NextToken: "after",
});

interface PageArgs {
  sharedWithPrefix?: string | null;
  status?: ShareStatus | null;
  first?: number | null;
  after?: string | null;
}

async function loadSharePage(
  workloadId: string,
  args: PageArgs,
  context: GatewayContext,
): Promise<WorkloadShareConnection | ResultError> {
  const refusal = readRefusal(context, workloadId);
  if (refusal !== null) return refusal;
  const problems = new ProblemList().check(["workloadId"], checkWorkloadId(workloadId));
  if (args.sharedWithPrefix != null) problems.check(["sharedWithPrefix"], checkSharedWithPrefix(args.sharedWithPrefix));
  if (args.first != null) problems.check(["first"], checkMaxResults(args.first));
  if (!problems.ok) return invalidInput(problems.problems);

  const result = await context.shareLists.load({
    workloadId,
    sharedWithPrefix: args.sharedWithPrefix,
    status: args.status,
    maxResults: args.first,
    nextToken: args.after,
  });
  if (!result.ok) return toResultError(result.failure, { kinds: KINDS, clientRequestToken: null, fieldPath });
  return new WorkloadShareConnection(result.value);
}

builder.queryField("workloadShares", (t) =>
  t.field({
    type: WorkloadSharesResult,
    description: "The shares of one workload (ListWorkloadShares), one page at a time.",
    args: {
      workloadId: t.arg.id({ required: true }),
      sharedWithPrefix: t.arg.string(),
      status: t.arg({ type: ShareStatusEnum }),
      first: t.arg.int({ description: "1 to 50." }),
      after: t.arg.string(),
    },
    resolve: (_root, { workloadId, ...args }, context) => loadSharePage(workloadId, args, context),
  }),
);

builder.objectField(WorkloadRef, "shares", (t) =>
  t.field({
    type: WorkloadSharesResult,
    description: "This workload's shares, one page at a time (ListWorkloadShares).",
    args: {
      sharedWithPrefix: t.arg.string(),
      status: t.arg({ type: ShareStatusEnum }),
      first: t.arg.int({ description: "1 to 50." }),
      after: t.arg.string(),
    },
    resolve: (workload, args, context) => loadSharePage(workload.id, args, context),
  }),
);

