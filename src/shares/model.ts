// The domain's values, shared by the resolvers, the wire decoders and the emulator.

export const PERMISSION_TYPES = ["READONLY", "CONTRIBUTOR"] as const;
export type PermissionType = (typeof PERMISSION_TYPES)[number];

export const SHARE_STATUSES = [
  "ACCEPTED",
  "REJECTED",
  "PENDING",
  "REVOKED",
  "EXPIRED",
  "ASSOCIATING",
  "ASSOCIATED",
  "FAILED",
] as const;
export type ShareStatus = (typeof SHARE_STATUSES)[number];

export function isPermissionType(value: unknown): value is PermissionType {
  return typeof value === "string" && (PERMISSION_TYPES as readonly string[]).includes(value);
}

export function isShareStatus(value: unknown): value is ShareStatus {
  return typeof value === "string" && (SHARE_STATUSES as readonly string[]).includes(value);
}

export interface WorkloadShare {
  id: string;
  workloadId: string;
  sharedWith: string;
  permissionType: PermissionType;
  createdAt: Date | null;
  status: ShareStatus | null;
}

export interface SharePage {
  shares: WorkloadShare[];
  nextToken: string | null;
}

/** One bad input field: `name` is the field's name in the operation's own vocabulary. */
export interface FieldProblem {
  path: string[];
  message: string;
}
