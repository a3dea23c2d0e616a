// The audit trail: one JSON line per mutation field, naming the real caller,
// what was asked, the decision, the policies that made it and the result.
// Written to stdout (with the request log, in its batches) or appended to
// AUDIT_LOG, a file opened at startup. Never tokens or client request tokens.
import { openSync, writeSync } from "node:fs";
import { ConfigError, type AuditLogTarget } from "../config.js";
import type { ShareMutation } from "../policy/share-request.js";
import { afterResponse } from "../server/after-response.js";
import { batchedWriter, jsonLine, stdoutLog, type LogWriter } from "../server/log.js";

export interface AuditEntry {
  requestId: string;
  /** The caller's `sub`; null when unknown. */
  caller: string | null;
  request: ShareMutation;
  /** The created share (create) or the named one (update, delete), when known. */
  shareId: string | null;
  decision: "allow" | "deny";
  policyIds: readonly string[];
  /** The field's result type (its __typename). */
  result: string;
  /** The error's code, for error results. */
  code: string | null;
}

/** The line's fields, in the contract's order; a field that does not apply to the action is left out. */
export function auditLine(entry: AuditEntry, at: number = Date.now()): string {
  const { request } = entry;
  // Built in place (no spread temporaries): every mutation field writes one.
  const fields: Record<string, unknown> = { msg: "audit", requestId: entry.requestId, caller: entry.caller, action: request.action, workloadId: request.workloadId };
  if (request.action === "CreateWorkloadShare") fields.sharedWith = request.sharedWith;
  if (request.action !== "DeleteWorkloadShare") fields.permissionType = request.permissionType;
  if (entry.shareId !== null) fields.shareId = entry.shareId;
  fields.decision = entry.decision;
  fields.policyIds = entry.policyIds;
  fields.result = entry.result;
  if (entry.code !== null) fields.code = entry.code;
  return jsonLine(fields, at);
}

export type AuditTrail = (entry: AuditEntry) => void;

/**
 * The line is built once the response has gone out (afterResponse), stamped
 * with the time the outcome was known: a line's JSON and its redaction pass
 * are not on the request's critical path.
 */
export function auditTrail(write: LogWriter): AuditTrail {
  return (entry) => {
    const at = Date.now();
    afterResponse(() => write(auditLine(entry, at)));
  };
}

/**
 * Where audit lines go: stdout, or a file opened now for appending (a path
 * that cannot be opened is a ConfigError, so startup stops). File writes are
 * batched per event-loop turn like the request log's.
 */
export function openAuditLog(target: AuditLogTarget): LogWriter {
  if (target.kind === "stdout") return stdoutLog;
  let fd: number;
  try {
    fd = openSync(target.path, "a", 0o640);
  } catch (error) {
    throw new ConfigError("AUDIT_LOG", `cannot open ${target.path} for appending (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let failing = false;
  return batchedWriter((text) => {
    try {
      const bytes = Buffer.from(text);
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      failing = false;
    } catch (error) {
      // A full disk must not stop the gateway; say so once per failing stretch.
      if (!failing) {
        const code = (error as NodeJS.ErrnoException).code ?? "error";
        process.stderr.write(`${jsonLine({ level: "error", msg: "audit: cannot write to AUDIT_LOG", file: target.path, code })}\n`);
      }
      failing = true;
    }
  });
}
