// Who is calling and what they may do. The schema's scope rules ask a Caller;
// the server's authentication plugin makes one per HTTP request.

/** What a root field needs: reads (queries) or writes (mutations). */
export type Access = "read" | "write";

export interface Caller {
  /** The token's `sub`, for logs; null when unknown (AUTH_MODE none or forward). */
  readonly subject: string | null;
  /** The verified token's scopes (`scope`/`scp`); empty without one. For the share policy. */
  readonly scopes: ReadonlySet<string>;
  /** The verified token's groups (`groups`, else `cognito:groups`); empty without one. For the share policy. */
  readonly groups: readonly string[];
  may(access: Access): boolean;
  /** The scope `access` needs, for the error a caller without it gets. */
  requiredScope(access: Access): string;
}

/** AUTH_MODE none or forward: the gateway itself grants everything (forward: the upstream decides). */
export const UNRESTRICTED_CALLER: Caller = {
  subject: null,
  scopes: new Set(),
  groups: [],
  may: () => true,
  requiredScope: (access) => access,
};

export interface ScopeNames {
  readScope: string;
  writeScope: string;
}

export function scopedCaller(
  subject: string | null,
  granted: ReadonlySet<string>,
  names: ScopeNames,
  groups: readonly string[] = [],
): Caller {
  const scopeOf = (access: Access): string => (access === "read" ? names.readScope : names.writeScope);
  return {
    subject,
    scopes: granted,
    groups,
    may: (access) => granted.has(scopeOf(access)),
    requiredScope: scopeOf,
  };
}

/** Scopes from the `scope` (space-separated, RFC 8693) and `scp` (array or string) claims. */
export function scopesFromClaims(claims: Record<string, unknown>): Set<string> {
  const scopes = new Set<string>();
  for (const claim of [claims.scope, claims.scp]) {
    const values = typeof claim === "string" ? claim.split(" ") : Array.isArray(claim) ? claim : [];
    for (const value of values) if (typeof value === "string" && value !== "") scopes.add(value);
  }
  return scopes;
}

/**
 * Groups from the `groups` claim, else `cognito:groups` (Amazon Cognito), else none:
 * an array of strings, or one string naming one group.
 */
export function groupsFromClaims(claims: Record<string, unknown>): string[] {
  const claim = claims.groups !== undefined ? claims.groups : claims["cognito:groups"];
  const values = typeof claim === "string" ? [claim] : Array.isArray(claim) ? claim : [];
  return [...new Set(values.filter((v): v is string => typeof v === "string" && v !== ""))];
}

/** Until authentication has run: nothing is allowed (fail closed). */
export const UNAUTHENTICATED_CALLER: Caller = {
  subject: null,
  scopes: new Set(),
  groups: [],
  may: () => false,
  requiredScope: (access) => access,
};
