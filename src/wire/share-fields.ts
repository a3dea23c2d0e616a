// Builds a WorkloadShare from whichever wire's member names, rejecting answers
// that lack what the schema cannot do without.
import { isPermissionType, isShareStatus, type WorkloadShare } from "../shares/model.js";
import { readDate, readString, type JsonObject } from "./json.js";

export interface ShareKeys {
  id: string;
  sharedWith: string;
  permissionType: string;
  status: string;
  createdAt: string;
}

export const ENVELOPE_SHARE_KEYS: ShareKeys = {
  id: "id",
  sharedWith: "shared_with",
  permissionType: "permission_type",
  status: "status",
  createdAt: "created_at",
};

export const AWS_SHARE_KEYS: ShareKeys = {
  id: "ShareId",
  sharedWith: "SharedWith",
  permissionType: "PermissionType",
  status: "Status",
  createdAt: "CreatedAt",
};

/** Members the request already told us, used where the answer leaves them out. */
export interface ShareDefaults {
  workloadId: string;
  sharedWith?: string;
  permissionType?: string;
}

export function readShare(obj: JsonObject, keys: ShareKeys, defaults: ShareDefaults): WorkloadShare | null {
  const id = readString(obj, keys.id);
  const sharedWith = readString(obj, keys.sharedWith) ?? defaults.sharedWith ?? null;
  const permissionType = obj[keys.permissionType] ?? defaults.permissionType;
  if (id === null || sharedWith === null || !isPermissionType(permissionType)) return null;
  const status = obj[keys.status];
  return {
    id,
    workloadId: defaults.workloadId,
    sharedWith,
    permissionType,
    createdAt: readDate(obj[keys.createdAt]),
    status: isShareStatus(status) ? status : null,
  };
}

/** A list of shares; null when any entry is unreadable. */
export function readShareList(value: unknown, keys: ShareKeys, workloadId: string): WorkloadShare[] | null {
  if (!Array.isArray(value)) return null;
  const shares: WorkloadShare[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return null;
    const share = readShare(item as JsonObject, keys, { workloadId });
    if (share === null) return null;
    shares.push(share);
  }
  return shares;
}

/** A pagination token: a string, or null when absent, null or empty. */
export function readNextToken(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === "") return null;
  return typeof value === "string" ? value : undefined;
}
