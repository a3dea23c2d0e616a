// Manifest files, told apart by their content:
// - GraphQL Code Generator's client-preset persisted-documents.json: {"<id>": "<document>", ...}
// - Apollo's persisted query manifest:
//   {"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name", "type", "body"}]}
// Reading only: whether the documents may run is decided in trusted-document-set.ts.
import { readFileSync } from "node:fs";
import { FileLoadError } from "../reload/reloadable-files.js";
import { shownId } from "./document-id.js";

export type ManifestFormat = "client-preset" | "apollo";

export interface ManifestEntry {
  /** The document's key as written in its manifest. */
  id: string;
  /** The document text exactly as stored. */
  text: string;
}

export interface Manifest {
  file: string;
  format: ManifestFormat;
  entries: ManifestEntry[];
}

const APOLLO_FORMAT = "apollo-persisted-query-manifest";
const OPERATION_TYPES = new Set(["query", "mutation", "subscription"]);

const NEITHER_FORMAT =
  'is neither a client-preset persisted-documents.json ({"<id>": "<document>"}) nor an Apollo persisted query manifest ({"format": "apollo-persisted-query-manifest", ...})';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new FileLoadError(file, `cannot be read (${code})`);
  }
}

function apolloEntries(file: string, manifest: Record<string, unknown>): ManifestEntry[] {
  if (manifest.version !== 1) {
    throw new FileLoadError(file, `Apollo persisted query manifest of version ${JSON.stringify(manifest.version)}; only version 1 is read`);
  }
  const operations = manifest.operations;
  if (!Array.isArray(operations)) throw new FileLoadError(file, 'Apollo persisted query manifest without an "operations" list');
  return operations.map((operation: unknown, i): ManifestEntry => {
    const where = `operations[${i}]`;
    if (!isObject(operation)) throw new FileLoadError(file, `${where} is not an object`);
    const { id, body, name, type } = operation;
    if (typeof id !== "string" || id === "") throw new FileLoadError(file, `${where} has no "id" string`);
    const entry = `document ${shownId(id)} (${where})`;
    if (typeof body !== "string") throw new FileLoadError(file, `${entry} has no "body" string`);
    if (name !== undefined && name !== null && typeof name !== "string") throw new FileLoadError(file, `${entry}: "name" is not a string`);
    if (type !== undefined && type !== null && (typeof type !== "string" || !OPERATION_TYPES.has(type))) {
      throw new FileLoadError(file, `${entry}: "type" must be query, mutation or subscription`);
    }
    return { id, text: body };
  });
}

/** Reads one manifest file; a FileLoadError names the file and, where there is one, the entry. */
export function readManifest(file: string): Manifest {
  const text = readText(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FileLoadError(file, `is not JSON, so it ${NEITHER_FORMAT}`);
  }
  if (!isObject(parsed)) throw new FileLoadError(file, NEITHER_FORMAT);
  const values = Object.entries(parsed);
  if (values.every(([, v]) => typeof v === "string") && parsed.format !== APOLLO_FORMAT) {
    return { file, format: "client-preset", entries: values.map(([id, v]) => ({ id, text: v as string })) };
  }
  if (parsed.format === APOLLO_FORMAT) return { file, format: "apollo", entries: apolloEntries(file, parsed) };
  const [key] = values.find(([, v]) => typeof v !== "string") ?? [""];
  throw new FileLoadError(file, `${NEITHER_FORMAT}: the value of ${shownId(key)} is not a string`);
}
