// What one field asks the share policy: the Cedar action, the workload, and
// the context the contract defines for that action.

export type ShareAction = "CreateWorkloadShare" | "UpdateWorkloadShare" | "DeleteWorkloadShare" | "ListWorkloadShares";

export type ShareMutation =
  | { action: "CreateWorkloadShare"; workloadId: string; sharedWith: string; permissionType: string }
  | { action: "UpdateWorkloadShare"; workloadId: string; shareId: string; permissionType: string }
  | { action: "DeleteWorkloadShare"; workloadId: string; shareId: string };

export type ShareRequest = ShareMutation | { action: "ListWorkloadShares"; workloadId: string };

export type SharedWithKind = "account" | "organization" | "ou" | "iam" | "other";

// The shapes of AWS's identifiers, anchored: a value that only starts like
// one (e.g. "123456789012 " or "o-abc/x") is "other", so a policy that
// allows "organization" never lets a look-alike through.
const KINDS: readonly [SharedWithKind, RegExp][] = [
  ["account", /^\d{12}$/],
  ["organization", /^o-[a-z0-9]+$/],
  ["ou", /^ou-[a-z0-9]+-[a-z0-9]+$/],
  ["iam", /^arn:aws:iam::\d{12}:[\x21-\x7e]+$/],
];

/** What `sharedWith` names: an account, an organization, an OU, an IAM ARN, or something else. */
export function sharedWithKind(sharedWith: string): SharedWithKind {
  for (const [kind, shape] of KINDS) if (shape.test(sharedWith)) return kind;
  return "other";
}

/** The Cedar request context of a field, exactly as the contract lists it per action. */
export function shareContext(request: ShareRequest): Record<string, string> {
  switch (request.action) {
    case "CreateWorkloadShare":
      return {
        sharedWith: request.sharedWith,
        sharedWithKind: sharedWithKind(request.sharedWith),
        permissionType: request.permissionType,
      };
    case "UpdateWorkloadShare":
      return { permissionType: request.permissionType, shareId: request.shareId };
    case "DeleteWorkloadShare":
      return { shareId: request.shareId };
    case "ListWorkloadShares":
      return {};
  }
}
