// WorkloadShare and the Workload it belongs to (an entity owned elsewhere in a federated graph).
import type { WorkloadShare } from "../shares/model.js";
import { builder } from "./builder.js";
import { PermissionTypeEnum, ShareStatusEnum } from "./enums.js";
import { DateTime } from "./scalars.js";

export interface WorkloadRefShape {
  id: string;
}

export const WorkloadRef = builder.objectRef<WorkloadRefShape>("Workload").implement({
  description:
    "A workload, owned by another subgraph in a federated graph (an entity keyed by id); this subgraph contributes its shares.",
  fields: (t) => ({
    id: t.exposeID("id"),
  }),
});

// Another subgraph owns Workload; this one contributes `shares`. A reference
// needs nothing but its key: the shares are read (and batched) on demand.
builder.asEntity(WorkloadRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: (reference) => ({ id: reference.id }),
});

export const WorkloadShareRef = builder.objectRef<WorkloadShare>("WorkloadShare").implement({
  fields: (t) => ({
    id: t.exposeID("id", { description: "The share ID (upstream `data.id`, or `ShareId` on the AWS wire)." }),
    workloadId: t.exposeID("workloadId"),
    sharedWith: t.exposeString("sharedWith"),
    permissionType: t.expose("permissionType", { type: PermissionTypeEnum }),
    createdAt: t.expose("createdAt", {
      type: DateTime,
      nullable: true,
      description: "Upstream `data.created_at` where the upstream reports it.",
    }),
    status: t.expose("status", {
      type: ShareStatusEnum,
      nullable: true,
      description: "Known when the upstream lists or updates the share; null right after creation.",
    }),
    workload: t.field({
      type: WorkloadRef,
      description: "A reference to the workload; in a federated graph its owner resolves the rest.",
      resolve: (share) => ({ id: share.workloadId }),
    }),
  }),
});
