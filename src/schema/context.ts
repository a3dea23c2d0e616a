// What every resolver gets for one GraphQL request.
import type DataLoader from "dataloader";
import type { Caller } from "../auth/caller.js";
import type { AuditTrail } from "../audit/audit-trail.js";
import type { SharePolicySource } from "../policy/share-policy.js";
import type { CallOptions, CallResult, UpstreamClient } from "../upstream/client.js";
import type { ListSharesInput } from "../upstream/operations.js";
import type { SharePage } from "../shares/model.js";

export interface GatewayContext {
  /** Who is calling; the scope rules (scopes.ts) and the share policy ask it. */
  caller: Caller;
  /** The request's ID, for audit lines. */
  requestId: string;
  /** The Cedar share policy (share-access.ts); null: the scopes alone decide. */
  sharePolicy: SharePolicySource | null;
  /** Where mutation fields' audit lines go. */
  audit: AuditTrail;
  upstream: UpstreamClient;
  /** The raw Idempotency-Key header, null when absent. */
  idempotencyKey: string | null;
  /** Index of this operation in a batched HTTP request (0 without batching). */
  batchIndex: number;
  /** Token-taking root fields in the other operations of a batched request (0 without batching). */
  tokenFieldsInOtherBatchOperations: () => number;
  /** Options for every upstream call of this request (abort signal, headers, hooks). */
  callOptions: CallOptions;
  /** Upstream list reads of this request, batched and de-duplicated (the DataLoader is made on first use). */
  shareLists: Pick<DataLoader<ListSharesInput, CallResult<SharePage>, string>, "load">;
}
