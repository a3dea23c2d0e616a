import { PERMISSION_TYPES, SHARE_STATUSES } from "../shares/model.js";
import { builder } from "./builder.js";

export const PermissionTypeEnum = builder.enumType("PermissionType", {
  description: "Permission granted on a workload share.",
  values: PERMISSION_TYPES,
});

export const ShareStatusEnum = builder.enumType("ShareStatus", {
  description: "Status of a workload share.",
  values: SHARE_STATUSES,
});
