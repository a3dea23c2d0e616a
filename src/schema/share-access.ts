// Who may do what with a workload's shares, per field and before anything
// reaches the upstream: the scope first (scopes.ts), then the share policy
// (src/policy). Every mutation field leaves one audit line, whatever its
// outcome: a scope refusal, a policy denial, invalid input, an upstream
// failure or a success.
import type { AuditEntry } from "../audit/audit-trail.js";
import type { ShareDecision } from "../policy/share-policy.js";
import type { ShareMutation, ShareRequest } from "../policy/share-request.js";
import type { GatewayContext } from "./context.js";
import { AccessDeniedError, ResultError } from "./errors.js";
import { builder } from "./builder.js";
import { scopeRefusal } from "./scopes.js";

export const POLICY_DENIED = "POLICY_DENIED";

/** Without a policy the scope, already checked, is the whole decision. */
const SCOPES_ONLY: ShareDecision = { allowed: true, policyIds: [] };
const REFUSED_BY_SCOPE: ShareDecision = { allowed: false, policyIds: [] };

function decide(context: GatewayContext, request: ShareRequest): ShareDecision {
  return context.sharePolicy === null ? SCOPES_ONLY : context.sharePolicy.current.decide(context.caller, request);
}

function policyDenied(request: ShareRequest): AccessDeniedError {
  return new AccessDeniedError(`The share policy does not permit ${request.action} on this workload`, POLICY_DENIED, false);
}

/** A read field (workloadShares, Workload.shares also through _entities): its AccessDeniedError, or null when allowed. */
export function readRefusal(context: GatewayContext, workloadId: string): AccessDeniedError | null {
  const refused = scopeRefusal(context, "read");
  if (refused !== null) return refused;
  return decide(context, { action: "ListWorkloadShares", workloadId }).allowed ? null : policyDenied({ action: "ListWorkloadShares", workloadId });
}

/**
 * Runs a mutation field the caller's scopes and the policy permit (a refusal
 * is its AccessDeniedError, with nothing run) and audits its outcome.
 * @param createdShareId the share a successful result created, for the audit line
 */
export async function authorizedMutation<R extends object>(
  context: GatewayContext,
  request: ShareMutation,
  run: () => Promise<R>,
  createdShareId: (result: R) => string | null = () => null,
): Promise<R | AccessDeniedError> {
  const refused = scopeRefusal(context, "write");
  if (refused !== null) {
    audit(context, request, REFUSED_BY_SCOPE, refused, null);
    return refused;
  }
  const decision = decide(context, request);
  if (!decision.allowed) {
    const denied = policyDenied(request);
    audit(context, request, decision, denied, null);
    return denied;
  }
  let result: R;
  try {
    result = await run();
  } catch (error) {
    // Masked for the client; the attempt is still on the record.
    context.audit(auditEntry(context, request, decision, null, "Error", "INTERNAL_SERVER_ERROR"));
    throw error;
  }
  audit(context, request, decision, result, createdShareId(result));
  return result;
}

function auditEntry(
  context: GatewayContext,
  request: ShareMutation,
  decision: ShareDecision,
  createdShareId: string | null,
  result: string,
  code: string | null,
): AuditEntry {
  return {
    requestId: context.requestId,
    caller: context.caller.subject,
    request,
    shareId: createdShareId ?? (request.action === "CreateWorkloadShare" ? null : request.shareId),
    decision: decision.allowed ? "allow" : "deny",
    policyIds: decision.policyIds,
    result,
    code,
  };
}

/**
 * The GraphQL type of a field's result. Every result is an instance of the
 * class its object type was declared with (builder.objectType(Class, ...)).
 */
function typeNameOf(result: object): string {
  const type = result.constructor as new () => unknown;
  let name = typeNames.get(type);
  if (name === undefined) typeNames.set(type, (name = builder.configStore.getTypeConfig(type).name));
  return name;
}

/** Each result class's type name, looked up in Pothos's config store once. */
const typeNames = new Map<new () => unknown, string>();

function audit(
  context: GatewayContext,
  request: ShareMutation,
  decision: ShareDecision,
  result: object,
  createdShareId: string | null,
): void {
  context.audit(auditEntry(context, request, decision, createdShareId, typeNameOf(result), result instanceof ResultError ? result.code : null));
}
