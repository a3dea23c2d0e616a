// The emulator's state: workloads, their shares and the idempotency records.
// Every method answers with an outcome; the HTTP layer renders it in a wire format.
import { randomBytes } from "node:crypto";
import { LIMITS } from "../shares/constraints.js";
import type { PermissionType, ShareStatus } from "../shares/model.js";
import { SEED_WORKLOADS } from "./seed.js";

export interface StoredShare {
  id: string;
  workloadId: string;
  sharedWith: string;
  permissionType: PermissionType;
  status: ShareStatus;
  createdAt: Date;
}

export interface StoredWorkload {
  id: string;
  name: string;
  quota: number;
  shares: StoredShare[];
}

export type EmulatorErrorKind = "validation" | "accessDenied" | "notFound" | "conflict" | "quota" | "throttling" | "internal";

export interface EmulatorError {
  kind: EmulatorErrorKind;
  message: string;
  /** Field problems by the field's AWS member name. */
  fields?: { name: string; message: string }[];
  resourceId?: string;
  resourceType?: string;
  quotaCode?: string;
  serviceCode?: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EmulatorError };

export interface SharePageOut {
  workloadId: string;
  shares: StoredShare[];
  nextToken: string | null;
}

interface IdempotencyRecord {
  fingerprint: string;
  outcome: Outcome<StoredShare>;
}

function notFound(kind: "workload" | "share", id: string): Outcome<never> {
  return {
    ok: false,
    error: {
      kind: "notFound",
      message: kind === "workload" ? `Workload ${id} not found` : `Share ${id} not found`,
      resourceId: id,
      resourceType: kind === "workload" ? "WORKLOAD" : "WORKLOAD_SHARE",
    },
  };
}

function conflict(message: string, id: string, type: string): Outcome<never> {
  return { ok: false, error: { kind: "conflict", message, resourceId: id, resourceType: type } };
}

function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

function decodePageToken(token: string): number | null {
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown };
    return typeof value.o === "number" && Number.isInteger(value.o) && value.o >= 0 ? value.o : null;
  } catch {
    return null;
  }
}

export class ShareStore {
  readonly workloads = new Map<string, StoredWorkload>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();

  constructor() {
    this.reset();
  }

  /** Back to the seeded state. */
  reset(): void {
    this.workloads.clear();
    this.idempotency.clear();
    for (const seed of SEED_WORKLOADS) {
      this.workloads.set(seed.id, {
        id: seed.id,
        name: seed.name,
        quota: seed.quota,
        shares: seed.shares.map((s) => ({ ...s, workloadId: seed.id, createdAt: new Date(s.createdAt) })),
      });
    }
  }

  getWorkload(workloadId: string): Outcome<StoredWorkload> {
    const workload = this.workloads.get(workloadId);
    return workload ? { ok: true, value: workload } : notFound("workload", workloadId);
  }

  /**
   * Same token and same parameters: the original success; same token, other
   * parameters: CONFLICT. Only successes are remembered.
   */
  private idempotent(operation: string, token: string, params: unknown[], perform: () => Outcome<StoredShare>): Outcome<StoredShare> {
    const key = `${operation}\n${token}`;
    const fingerprint = JSON.stringify(params);
    const previous = this.idempotency.get(key);
    if (previous) {
      return previous.fingerprint === fingerprint
        ? previous.outcome
        : conflict("ClientRequestToken was already used with other parameters", token, "CLIENT_REQUEST_TOKEN");
    }
    const outcome = perform();
    if (outcome.ok) this.idempotency.set(key, { fingerprint, outcome });
    return outcome;
  }

  create(workloadId: string, sharedWith: string, permissionType: PermissionType, token: string): Outcome<StoredShare> {
    return this.idempotent("create", token, [workloadId, sharedWith, permissionType], () =>
      this.addShare(workloadId, sharedWith, permissionType),
    );
  }

  private addShare(workloadId: string, sharedWith: string, permissionType: PermissionType): Outcome<StoredShare> {
    const workload = this.workloads.get(workloadId);
    if (!workload) return notFound("workload", workloadId);
    const existing = workload.shares.find((s) => s.sharedWith === sharedWith);
    if (existing) return conflict(`Workload is already shared with ${sharedWith}`, existing.id, "WORKLOAD_SHARE");
    if (workload.shares.length >= workload.quota) {
      return {
        ok: false,
        error: {
          kind: "quota",
          message: `Workload ${workloadId} has reached its quota of ${workload.quota} shares`,
          quotaCode: "L-SHARES-PER-WORKLOAD",
          serviceCode: "wellarchitected",
          resourceId: workloadId,
          resourceType: "WORKLOAD",
        },
      };
    }
    const share: StoredShare = {
      id: randomBytes(16).toString("hex"),
      workloadId,
      sharedWith,
      permissionType,
      status: "PENDING",
      createdAt: new Date(),
    };
    workload.shares.push(share);
    return { ok: true, value: share };
  }

  list(
    workloadId: string,
    options: { prefix?: string; status?: ShareStatus; maxResults?: number; nextToken?: string },
  ): Outcome<SharePageOut> {
    const workload = this.workloads.get(workloadId);
    if (!workload) return notFound("workload", workloadId);
    let offset = 0;
    if (options.nextToken !== undefined) {
      const decoded = decodePageToken(options.nextToken);
      if (decoded === null) {
        return {
          ok: false,
          error: { kind: "validation", message: "Invalid NextToken", fields: [{ name: "NextToken", message: "is not a token this service issued" }] },
        };
      }
      offset = decoded;
    }
    const matching = workload.shares.filter(
      (s) =>
        (options.prefix === undefined || s.sharedWith.startsWith(options.prefix)) &&
        (options.status === undefined || s.status === options.status),
    );
    const size = options.maxResults ?? LIMITS.maxResults.default;
    const shares = matching.slice(offset, offset + size);
    const nextToken = offset + size < matching.length ? encodePageToken(offset + size) : null;
    return { ok: true, value: { workloadId, shares, nextToken } };
  }

  update(workloadId: string, shareId: string, permissionType: PermissionType): Outcome<StoredShare> {
    const workload = this.workloads.get(workloadId);
    if (!workload) return notFound("workload", workloadId);
    const share = workload.shares.find((s) => s.id === shareId);
    if (!share) return notFound("share", shareId);
    share.permissionType = permissionType;
    return { ok: true, value: share };
  }

  delete(workloadId: string, shareId: string, token: string): Outcome<StoredShare> {
    return this.idempotent("delete", token, [workloadId, shareId], () => this.removeShare(workloadId, shareId));
  }

  private removeShare(workloadId: string, shareId: string): Outcome<StoredShare> {
    const workload = this.workloads.get(workloadId);
    if (!workload) return notFound("workload", workloadId);
    const index = workload.shares.findIndex((s) => s.id === shareId);
    const share = workload.shares[index];
    if (index < 0 || share === undefined) return notFound("share", shareId);
    workload.shares.splice(index, 1);
    return { ok: true, value: share };
  }
}
