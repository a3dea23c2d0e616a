// Document IDs (contract: "Trusted documents"). A key of `sha256:<64 hex>` or
// of 64 hex alone names a hash: it must be the SHA-256 of its document, and
// the document is found by its 64 hex in either form. Any other key is
// opaque and found only as written.
import { createHash } from "node:crypto";

const HASH_ID = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/** The 64 lowercase hex an ID names as a hash, or null for an opaque ID. */
export function sha256HexOf(id: string): string | null {
  const hex = HASH_ID.exec(id)?.[1];
  return hex === undefined ? null : hex.toLowerCase();
}

/** The key a document is stored and found under: one for both forms of a hash, the ID itself otherwise. */
export function lookupKey(id: string): string {
  const hex = sha256HexOf(id);
  return hex === null ? id : `sha256:${hex}`;
}

/** SHA-256 of the document text exactly as stored (UTF-8), in lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** An ID as shown in a log or error line: visible, and short. */
export function shownId(id: string): string {
  const visible = JSON.stringify(id);
  return visible.length > 102 ? `${visible.slice(0, 100)}…"` : visible;
}
