// The whole flow: pick a workload, list its shares, share it, change a share's
// permission, delete a share. Every result is a typed union member: successes
// update the list, a ValidationError's FieldErrors show at their fields, other
// errors show as messages, and retryable ones are sent again with their token.
import { useApolloClient, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import type { PermissionType, ResultErrorFieldsFragment } from "./gql/graphql";
import { CreateShareMutation, DeleteShareMutation, UpdateShareMutation, WorkloadSharesQuery } from "./operations";
import { sendWithRetries, type RetryNotice } from "./retry";
import { SEEDED_WORKLOADS } from "./workloads";

type Notice = { kind: "success" | "error"; text: string; code?: string } | null;

const PERMISSIONS: PermissionType[] = ["READONLY", "CONTRIBUTOR"];

/** One fresh token per user intent: every retry of that intent repeats it. */
function newIntentToken(): string {
  return crypto.randomUUID();
}

function retryingText(notice: RetryNotice): string {
  return `${notice.code}: retrying in ${notice.seconds} s with the same clientRequestToken… (retry ${notice.retry})`;
}

/** What an error member means for a person; the codes stay visible for support. */
function errorText(error: ResultErrorFieldsFragment & { __typename: string }): string {
  switch (error.__typename) {
    case "ConflictError":
      return `Conflict: ${error.message}`;
    case "ServiceQuotaExceededError":
      return `Quota exceeded: ${error.message}`;
    case "AccessDeniedError":
      return `Access denied: ${error.message}`;
    case "ResourceNotFoundError":
      return `Not found: ${error.message}`;
    case "ThrottlingError":
      return `Still throttled after retrying: ${error.message}`;
    default:
      return error.message;
  }
}

function transportText(error: unknown): string {
  return `The gateway did not answer as expected: ${error instanceof Error ? error.message : String(error)}`;
}

function NoticeLine({ notice, testId }: { notice: Notice; testId: string }) {
  if (notice === null) return null;
  return (
    <p className={`notice ${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"} data-testid={testId} data-code={notice.code}>
      {notice.text}
    </p>
  );
}

export function App() {
  const [workloadId, setWorkloadId] = useState<string>(SEEDED_WORKLOADS[0].id);
  return (
    <main>
      <h1>Workload shares</h1>
      <label>
        Workload{" "}
        <select aria-label="Workload" value={workloadId} onChange={(e) => setWorkloadId(e.target.value)}>
          {SEEDED_WORKLOADS.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name} ({w.note})
            </option>
          ))}
        </select>
      </label>
      <code className="workload-id">{workloadId}</code>
      <ShareForm key={`form-${workloadId}`} workloadId={workloadId} />
      <ShareList workloadId={workloadId} />
    </main>
  );
}

function ShareForm({ workloadId }: { workloadId: string }) {
  const client = useApolloClient();
  const [sharedWith, setSharedWith] = useState("");
  const [permissionType, setPermissionType] = useState<PermissionType>("READONLY");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function share(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setFieldErrors({});
    setNotice(null);
    try {
      const result = await sendWithRetries(
        async (clientRequestToken) => {
          const { data } = await client.mutate({
            mutation: CreateShareMutation,
            variables: { input: { workloadId, sharedWith, permissionType, clientRequestToken } },
          });
          if (!data) throw new Error("no data in the answer");
          return data.createWorkloadShare;
        },
        newIntentToken(),
        { onRetry: (n) => setRetrying(retryingText(n)) },
      );
      setRetrying(null);
      if (result.__typename === "CreateWorkloadShareSuccess") {
        setNotice({ kind: "success", text: `Shared with ${result.share.sharedWith} (${result.share.permissionType}), share ${result.share.id}` });
        setSharedWith("");
        await client.refetchQueries({ include: [WorkloadSharesQuery] });
      } else if (result.__typename === "ValidationError") {
        // Each FieldError next to its field; ["input", "sharedWith"] -> the sharedWith field.
        const byField: Record<string, string> = {};
        const elsewhere: string[] = [];
        for (const field of result.fields) {
          const name = field.path[0] === "input" ? field.path[1] : undefined;
          if (name === "sharedWith" || name === "permissionType") byField[name] = field.message;
          else elsewhere.push(`${field.path.join(".")}: ${field.message}`);
        }
        setFieldErrors(byField);
        setNotice({ kind: "error", code: result.code, text: [result.message, ...elsewhere].join(" · ") });
      } else {
        setNotice({ kind: "error", code: result.code, text: errorText(result) });
      }
    } catch (error) {
      setRetrying(null);
      setNotice({ kind: "error", text: transportText(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={share} aria-label="Share this workload" noValidate>
      <h2>Share it</h2>
      <div className="field">
        <label htmlFor="sharedWith">Shared with</label>
        <input
          id="sharedWith"
          value={sharedWith}
          onChange={(e) => setSharedWith(e.target.value)}
          placeholder="123456789012, o-… or ou-…"
          aria-invalid={fieldErrors.sharedWith !== undefined}
          aria-describedby="sharedWith-error"
        />
        <span id="sharedWith-error" className="field-error" data-testid="sharedWith-error">
          {fieldErrors.sharedWith}
        </span>
      </div>
      <div className="field">
        <label htmlFor="permissionType">Permission</label>
        <select id="permissionType" value={permissionType} onChange={(e) => setPermissionType(e.target.value as PermissionType)}>
          {PERMISSIONS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <span id="permissionType-error" className="field-error" data-testid="permissionType-error">
          {fieldErrors.permissionType}
        </span>
      </div>
      <button type="submit" disabled={busy}>
        Share
      </button>
      {retrying !== null && (
        <p className="notice retrying" role="status" data-testid="share-retrying">
          {retrying}
        </p>
      )}
      <NoticeLine notice={notice} testId="share-result" />
    </form>
  );
}

function ShareList({ workloadId }: { workloadId: string }) {
  const client = useApolloClient();
  const { data, loading, error } = useQuery(WorkloadSharesQuery, { variables: { workloadId }, fetchPolicy: "cache-and-network" });
  const [notice, setNotice] = useState<Notice>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  async function run<R extends { __typename: string }>(send: (token: string | undefined) => Promise<R>, token: string | undefined, done: (result: R) => Notice) {
    setNotice(null);
    try {
      const result = await sendWithRetries(send, token, { onRetry: (n) => setRetrying(retryingText(n)) });
      setRetrying(null);
      setNotice(done(result));
      await client.refetchQueries({ include: [WorkloadSharesQuery] });
    } catch (e) {
      setRetrying(null);
      setNotice({ kind: "error", text: transportText(e) });
    }
  }

  function updatePermission(shareId: string, permissionType: PermissionType) {
    // updateWorkloadShare takes no token: setting a permission twice is harmless.
    void run(
      async () => {
        const { data } = await client.mutate({ mutation: UpdateShareMutation, variables: { input: { workloadId, shareId, permissionType } } });
        if (!data) throw new Error("no data in the answer");
        return data.updateWorkloadShare;
      },
      undefined,
      (result) =>
        result.__typename === "UpdateWorkloadShareSuccess"
          ? { kind: "success", text: `Share ${result.share.id} is now ${result.share.permissionType}` }
          : { kind: "error", code: result.code, text: errorText(result) },
    );
  }

  function deleteShare(shareId: string) {
    void run(
      async (clientRequestToken) => {
        const { data } = await client.mutate({ mutation: DeleteShareMutation, variables: { input: { workloadId, shareId, clientRequestToken } } });
        if (!data) throw new Error("no data in the answer");
        return data.deleteWorkloadShare;
      },
      newIntentToken(),
      (result) =>
        result.__typename === "DeleteWorkloadShareSuccess"
          ? { kind: "success", text: `Deleted share ${result.deletedShareId}` }
          : { kind: "error", code: result.code, text: errorText(result) },
    );
  }

  const page = data?.workloadShares;
  return (
    <section aria-label="Shares">
      <h2>Shares</h2>
      {loading && !page && <p>Loading…</p>}
      {error && <p className="notice error" role="alert">{transportText(error)}</p>}
      {page && page.__typename !== "WorkloadShareConnection" && (
        <p className="notice error" role="alert" data-testid="list-error" data-code={page.code}>
          {errorText(page)}
        </p>
      )}
      {page?.__typename === "WorkloadShareConnection" && (
        <table>
          <thead>
            <tr>
              <th>Shared with</th>
              <th>Permission</th>
              <th>Status</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {page.edges.length === 0 && (
              <tr>
                <td colSpan={5}>Not shared with anyone yet.</td>
              </tr>
            )}
            {page.edges.map(({ node }) => (
              <tr key={node.id} data-testid="share-row" data-share-id={node.id} data-shared-with={node.sharedWith}>
                <td>{node.sharedWith}</td>
                <td>
                  <select
                    aria-label={`Permission for ${node.sharedWith}`}
                    value={node.permissionType}
                    onChange={(e) => updatePermission(node.id, e.target.value as PermissionType)}
                  >
                    {PERMISSIONS.map((p) => (
                      <option key={p}>{p}</option>
                    ))}
                  </select>
                </td>
                <td>{node.status ?? "—"}</td>
                <td>{node.createdAt ?? "—"}</td>
                <td>
                  <button type="button" aria-label={`Delete share with ${node.sharedWith}`} onClick={() => deleteShare(node.id)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {retrying !== null && (
        <p className="notice retrying" role="status" data-testid="list-retrying">
          {retrying}
        </p>
      )}
      <NoticeLine notice={notice} testId="list-result" />
    </section>
  );
}
