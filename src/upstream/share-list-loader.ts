// Per-request DataLoader for ListWorkloadShares: the same workload and
// arguments reach the upstream once per GraphQL request; distinct reads run
// concurrently, at most `concurrency` at a time. No cache outlives the request.
import DataLoader from "dataloader";
import type { SharePage } from "../shares/model.js";
import type { CallOptions, CallResult, UpstreamClient } from "./client.js";
import { mapWithConcurrency } from "./concurrency.js";
import type { ListSharesInput } from "./operations.js";

export function shareListKey(input: ListSharesInput): string {
  return JSON.stringify([
    input.workloadId,
    input.sharedWithPrefix ?? null,
    input.status ?? null,
    input.maxResults ?? null,
    input.nextToken ?? null,
  ]);
}

export function createShareListLoader(
  upstream: UpstreamClient,
  callOptions: CallOptions,
  concurrency: number,
): DataLoader<ListSharesInput, CallResult<SharePage>, string> {
  return new DataLoader(
    (inputs) => mapWithConcurrency(inputs, concurrency, (input) => upstream.call("ListWorkloadShares", input, callOptions)),
    { cacheKeyFn: shareListKey },
  );
}
