// Renders the emulator's outcomes in either wire: the envelope or AWS restJson1.
import type { EmulatorError, EmulatorErrorKind, SharePageOut, StoredShare, StoredWorkload } from "./store.js";

export type EmulatorFormat = "envelope" | "aws";

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** null for an empty body. */
  body: unknown;
}

/** Each error kind: its HTTP status, envelope code and AWS error type. */
const ERRORS: Record<EmulatorErrorKind, { status: number; code: string; type: string }> = {
  validation: { status: 400, code: "VALIDATION_ERROR", type: "ValidationException" },
  accessDenied: { status: 403, code: "ACCESS_DENIED", type: "AccessDeniedException" },
  notFound: { status: 404, code: "NOT_FOUND", type: "ResourceNotFoundException" },
  conflict: { status: 409, code: "CONFLICT", type: "ConflictException" },
  quota: { status: 402, code: "SERVICE_QUOTA_EXCEEDED", type: "ServiceQuotaExceededException" },
  throttling: { status: 429, code: "THROTTLING", type: "ThrottlingException" },
  internal: { status: 500, code: "INTERNAL_ERROR", type: "InternalServerException" },
};

/** AWS member name -> the envelope's snake_case field name. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

export function renderError(format: EmulatorFormat, error: EmulatorError): WireResponse {
  if (format === "envelope") {
    const { status, code } = ERRORS[error.kind];
    const body: Record<string, unknown> = { code, message: error.message };
    if (error.fields) body.fields = error.fields.map((f) => ({ field: snakeCase(f.name), message: f.message }));
    if (error.resourceId !== undefined) body.resource_id = error.resourceId;
    if (error.resourceType !== undefined) body.resource_type = error.resourceType;
    if (error.quotaCode !== undefined) body.quota_code = error.quotaCode;
    if (error.serviceCode !== undefined) body.service_code = error.serviceCode;
    return { status, headers: {}, body: { success: false, error: body } };
  }
  const { status, type } = ERRORS[error.kind];
  const body: Record<string, unknown> = { Message: error.message };
  if (error.kind === "validation") {
    body.Reason = error.fields ? "FIELD_VALIDATION_FAILED" : "CANNOT_PARSE";
    if (error.fields) body.Fields = error.fields.map((f) => ({ Name: f.name, Message: f.message }));
  }
  if (error.resourceId !== undefined) body.ResourceId = error.resourceId;
  if (error.resourceType !== undefined) body.ResourceType = error.resourceType;
  if (error.quotaCode !== undefined) body.QuotaCode = error.quotaCode;
  if (error.serviceCode !== undefined) body.ServiceCode = error.serviceCode;
  return { status, headers: { "x-amzn-errortype": type }, body };
}

function ok(body: unknown): WireResponse {
  return { status: 200, headers: {}, body };
}

function envelope(data: unknown): WireResponse {
  return ok({ success: true, data });
}

export const render = {
  created(format: EmulatorFormat, share: StoredShare): WireResponse {
    return format === "envelope"
      ? envelope({ id: share.id, created_at: share.createdAt.toISOString() })
      : ok({ WorkloadId: share.workloadId, ShareId: share.id });
  },

  page(format: EmulatorFormat, page: SharePageOut): WireResponse {
    return format === "envelope"
      ? envelope({
          items: page.shares.map((s) => ({
            id: s.id,
            shared_with: s.sharedWith,
            permission_type: s.permissionType,
            status: s.status,
            created_at: s.createdAt.toISOString(),
          })),
          next_token: page.nextToken,
        })
      : ok({
          WorkloadId: page.workloadId,
          WorkloadShareSummaries: page.shares.map((s) => ({
            ShareId: s.id,
            SharedWith: s.sharedWith,
            PermissionType: s.permissionType,
            Status: s.status,
          })),
          ...(page.nextToken === null ? {} : { NextToken: page.nextToken }),
        });
  },

  updated(format: EmulatorFormat, share: StoredShare, workload: StoredWorkload): WireResponse {
    return format === "envelope"
      ? envelope({ id: share.id, shared_with: share.sharedWith, permission_type: share.permissionType, status: share.status })
      : ok({
          WorkloadId: share.workloadId,
          WorkloadShare: {
            ShareId: share.id,
            SharedBy: "123456789012",
            SharedWith: share.sharedWith,
            PermissionType: share.permissionType,
            Status: share.status,
            WorkloadName: workload.name,
            WorkloadId: share.workloadId,
          },
        });
  },

  deleted(format: EmulatorFormat, share: StoredShare): WireResponse {
    return format === "envelope" ? envelope({ id: share.id }) : { status: 200, headers: {}, body: null };
  },

  workload(format: EmulatorFormat, workload: StoredWorkload): WireResponse {
    return format === "envelope"
      ? envelope({ id: workload.id, name: workload.name })
      : ok({ Workload: { WorkloadId: workload.id, WorkloadName: workload.name } });
  },
};
