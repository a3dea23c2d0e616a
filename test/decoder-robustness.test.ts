// "The server never crashes on what the upstream sends": the one decoder
// answers every body, status and header combination with a typed value or
// one UpstreamFailure, never an exception. Seeded pseudo-random inputs built
// from both wires' vocabulary, so the same cases run every time.
import { describe, expect, it } from "vitest";
import { decodeUpstreamResponse, type UpstreamResponse } from "../src/wire/decode.js";
import type { InputOf, OperationName } from "../src/upstream/operations.js";

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  "success", "data", "error", "code", "Code", "__type", "message", "Message", "fields", "field", "name", "Name",
  "Fields", "resource_id", "ResourceId", "quota_code", "QuotaCode", "items", "next_token", "NextToken", "id",
  "ShareId", "WorkloadId", "SharedWith", "shared_with", "PermissionType", "permission_type", "Status", "status",
  "created_at", "CreatedAt", "WorkloadShare", "WorkloadShareSummaries", "constructor", "__proto__", "toString",
];
const STRINGS = [
  "", "READONLY", "CONTRIBUTOR", "PENDING", "BOGUS", "VALIDATION_ERROR", "THROTTLING", "not_found",
  "ConflictException", "com.amazonaws.wellarchitected#ThrottlingException:http://x", ":", "#", ",",
  "2025-01-01T00:00:00Z", "not a date", "abc123", "\u0000", "\ud800", "x".repeat(3000),
];

function randomValue(random: () => number, depth: number): unknown {
  const pick = random();
  if (depth > 4 || pick < 0.25) {
    const scalars: unknown[] = [null, true, false, 0, -1, 1.5, 1735689600, Number.MAX_SAFE_INTEGER, STRINGS[Math.floor(random() * STRINGS.length)]];
    return scalars[Math.floor(random() * scalars.length)];
  }
  if (pick < 0.45) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 6); i > 0; i--) object[KEYS[Math.floor(random() * KEYS.length)]!] = randomValue(random, depth + 1);
  return object;
}

/** Near-valid answers of both wires whose members are replaced at random. */
function templateBody(random: () => number): unknown {
  const any = (): unknown => (random() < 0.6 ? STRINGS[Math.floor(random() * STRINGS.length)] : randomValue(random, 3));
  const share = (keys: [string, string, string, string, string]) => ({
    [keys[0]]: random() < 0.8 ? "abc123" : any(),
    [keys[1]]: random() < 0.8 ? "123456789012" : any(),
    [keys[2]]: random() < 0.8 ? "READONLY" : any(),
    [keys[3]]: random() < 0.8 ? "PENDING" : any(),
    [keys[4]]: random() < 0.5 ? "2025-01-01T00:00:00Z" : random() < 0.5 ? 1735689600 : any(),
  });
  const envelopeShare = share(["id", "shared_with", "permission_type", "status", "created_at"]);
  const awsShare = share(["ShareId", "SharedWith", "PermissionType", "Status", "CreatedAt"]);
  const templates = [
    { success: true, data: envelopeShare },
    { success: true, data: { items: [envelopeShare, envelopeShare], next_token: random() < 0.5 ? null : any() } },
    awsShare,
    { WorkloadId: "0".repeat(32), WorkloadShare: awsShare },
    { WorkloadShareSummaries: [awsShare], NextToken: random() < 0.5 ? undefined : any() },
    { success: false, error: { code: any(), message: any(), fields: [{ field: any(), message: any() }] } },
  ];
  return templates[Math.floor(random() * templates.length)];
}

function randomBody(random: () => number): string {
  const pick = random();
  if (pick < 0.4) return JSON.stringify(templateBody(random));
  if (pick < 0.45) return "";
  if (pick < 0.5) return "<html><body>oops</body></html>";
  const json = JSON.stringify(randomValue(random, 0)) ?? "null";
  if (pick < 0.6) return json.slice(0, Math.floor(random() * json.length)); // truncated
  return json;
}

const INPUTS: { [N in OperationName]: InputOf<N> } = {
  CreateWorkloadShare: { workloadId: "0".repeat(32), sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "t" },
  ListWorkloadShares: { workloadId: "0".repeat(32) },
  UpdateWorkloadShare: { workloadId: "0".repeat(32), shareId: "abc123", permissionType: "CONTRIBUTOR" },
  DeleteWorkloadShare: { workloadId: "0".repeat(32), shareId: "abc123", clientRequestToken: "t" },
};
const PERMISSIONS = new Set(["READONLY", "CONTRIBUTOR"]);
const STATUSES = new Set(["ACCEPTED", "REJECTED", "PENDING", "REVOKED", "EXPIRED", "ASSOCIATING", "ASSOCIATED", "FAILED"]);

/** What GraphQL would refuse as a top-level error must never come out of the decoder. */
function expectShare(share: unknown): void {
  const s = share as { id: unknown; sharedWith: unknown; permissionType: unknown; status: unknown; createdAt: unknown };
  expect(typeof s.id === "string" && s.id.length > 0).toBe(true);
  expect(typeof s.sharedWith === "string" && s.sharedWith.length > 0).toBe(true);
  expect(PERMISSIONS.has(s.permissionType as string)).toBe(true);
  expect(s.status === null || STATUSES.has(s.status as string)).toBe(true);
  expect(s.createdAt === null || (s.createdAt instanceof Date && !Number.isNaN(s.createdAt.getTime()))).toBe(true);
}

function expectSchemaSafe(name: OperationName, value: unknown): void {
  if (name === "ListWorkloadShares") {
    const page = value as { shares: unknown[]; nextToken: unknown };
    expect(Array.isArray(page.shares)).toBe(true);
    page.shares.forEach(expectShare);
    expect(page.nextToken === null || (typeof page.nextToken === "string" && page.nextToken !== "")).toBe(true);
  } else if (name === "DeleteWorkloadShare") {
    const deleted = value as { deletedShareId: unknown };
    expect(typeof deleted.deletedShareId === "string" && deleted.deletedShareId.length > 0).toBe(true);
  } else {
    expectShare(value);
  }
}

const KINDS = new Set(["validation", "accessDenied", "notFound", "conflict", "quotaExceeded", "throttling", "upstream"]);

describe("the decoder never throws, whatever the upstream answers", () => {
  for (const name of Object.keys(INPUTS) as OperationName[]) {
    it(`${name}: 3,000 seeded random answers each give a value or one typed failure`, () => {
      const random = prng(name.length * 7919);
      let successes = 0;
      for (let i = 0; i < 3000; i++) {
        const status = [200, 201, 204, 400, 401, 402, 403, 404, 409, 418, 422, 429, 500, 501, 502, 503, 504][Math.floor(random() * 17)]!;
        const headers: UpstreamResponse["headers"] = {};
        if (random() < 0.3) headers["x-amzn-errortype"] = STRINGS[Math.floor(random() * STRINGS.length)];
        if (random() < 0.2) headers["retry-after"] = ["5", "-1", "1e9", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"][Math.floor(random() * 5)];
        if (random() < 0.2) headers["x-amzn-requestid"] = ["req-1", ["a", "b"]][Math.floor(random() * 2)] as string;
        const response: UpstreamResponse = { status, headers, body: randomBody(random) };
        let result;
        expect(() => {
          result = decodeUpstreamResponse(name, INPUTS[name] as never, response);
        }, JSON.stringify(response).slice(0, 300)).not.toThrow();
        const outcome = result as unknown as {
          ok: boolean;
          value?: unknown;
          failure?: { kind: string; code: string; message: string; httpStatus: number | null; retryAfterSeconds: number | null };
        };
        if (outcome.ok) {
          successes++;
          expectSchemaSafe(name, outcome.value);
        }
        else {
          expect(KINDS.has(outcome.failure!.kind)).toBe(true);
          expect(typeof outcome.failure!.code).toBe("string");
          expect(outcome.failure!.code.length).toBeGreaterThan(0);
          expect(typeof outcome.failure!.message).toBe("string");
          expect(outcome.failure!.httpStatus).toBe(status);
          const retryAfter = outcome.failure!.retryAfterSeconds;
          expect(retryAfter === null || (Number.isInteger(retryAfter) && retryAfter >= 0 && retryAfter <= 2_147_483_647)).toBe(true);
        }
      }
      // The seeded inputs reach the success decoders too, not only the failure paths.
      expect(successes).toBeGreaterThan(0);
    });
  }
});
