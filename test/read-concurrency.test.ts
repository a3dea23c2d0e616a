// Distinct upstream reads of one GraphQL request run concurrently, but never
// more than UPSTREAM_CONCURRENCY at a time (default 8). Aliases stay under MAX_ALIASES (15).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, gql } from "./support/gateway.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";

const EMPTY_PAGE = '{"success": true, "data": {"items": [], "next_token": null}}';

function workloadIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, "0"));
}

function sharesOfEach(ids: string[]): string {
  return `{ ${ids.map((id, i) => `w${i}: workloadShares(workloadId: "${id}") { __typename }`).join("\n")} }`;
}

let upstream: ScriptedUpstream;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
});
afterAll(() => upstream?.close());

describe("bounded upstream concurrency per GraphQL request", () => {
  it.each([
    [3, 10],
    [8, 14],
  ])("with UPSTREAM_CONCURRENCY=%i, %i distinct reads overlap but never exceed the bound", async (bound, n) => {
    const gateway = await startGateway(upstream.url, { upstreamConcurrency: bound });
    try {
      upstream.script({ status: 200, body: EMPTY_PAGE, delayMs: 150 });
      const { body } = await gql(gateway.url, sharesOfEach(workloadIds(n)));
      expect(body.errors).toBeUndefined();
      expect(Object.values(body.data).every((r) => (r as { __typename: string }).__typename === "WorkloadShareConnection")).toBe(true);
      expect(upstream.received).toHaveLength(n);
      expect(upstream.maxInFlight).toBeGreaterThan(1);
      expect(upstream.maxInFlight).toBeLessThanOrEqual(bound);
    } finally {
      await gateway.close();
    }
  });
});
