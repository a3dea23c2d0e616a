// Fault injection for tests: POST /__emulator/faults queues faults that the
// next matching requests meet; DELETE clears them.
import { isObject } from "../wire/json.js";

export const FAULT_KINDS = ["throttle", "error5xx", "delay", "reset", "malformed", "accessDenied"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const FAULT_METHODS = ["GET", "POST", "PATCH", "DELETE"] as const;

export interface Fault {
  workloadId: string | null;
  /** Only requests with this HTTP method meet the fault (null: any). */
  method: string | null;
  kind: FaultKind;
  /** Requests still to meet this fault. */
  remaining: number;
  delayMs: number;
  retryAfter: string | null;
}

export type FaultSpecResult = { ok: true; fault: Fault } | { ok: false; message: string };

export function parseFaultSpec(body: unknown): FaultSpecResult {
  if (!isObject(body)) return { ok: false, message: "body must be a JSON object" };
  const { workloadId, method, kind, count, delayMs, retryAfter } = body;
  if (typeof kind !== "string" || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, message: `kind must be one of ${FAULT_KINDS.join(", ")}` };
  }
  if (workloadId !== undefined && workloadId !== null && typeof workloadId !== "string") {
    return { ok: false, message: "workloadId must be a string" };
  }
  if (method !== undefined && method !== null && (typeof method !== "string" || !(FAULT_METHODS as readonly string[]).includes(method))) {
    return { ok: false, message: `method must be one of ${FAULT_METHODS.join(", ")}` };
  }
  if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1)) {
    return { ok: false, message: "count must be a positive integer" };
  }
  if (delayMs !== undefined && (!Number.isInteger(delayMs) || (delayMs as number) < 0 || (delayMs as number) > 120_000)) {
    return { ok: false, message: "delayMs must be an integer from 0 to 120000" };
  }
  if (retryAfter !== undefined && typeof retryAfter !== "number" && typeof retryAfter !== "string") {
    return { ok: false, message: "retryAfter must be seconds or an HTTP date" };
  }
  return {
    ok: true,
    fault: {
      workloadId: typeof workloadId === "string" ? workloadId : null,
      method: typeof method === "string" ? method : null,
      kind: kind as FaultKind,
      remaining: (count as number | undefined) ?? 1,
      delayMs: (delayMs as number | undefined) ?? 1000,
      retryAfter: retryAfter === undefined ? null : String(retryAfter),
    },
  };
}

export class FaultQueue {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault the next request for this workload and method meets, if any (used up by count). */
  take(workloadId: string | null, method: string): Fault | null {
    const fault = this.faults.find(
      (f) => (f.workloadId === null || f.workloadId === workloadId) && (f.method === null || f.method === method),
    );
    if (!fault) return null;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  get pending(): readonly Fault[] {
    return this.faults;
  }
}
