// The documents that may run: every manifest read, every document checked
// (hash, parse, schema, document limits), and IDs resolved across manifests.
// A problem anywhere makes the whole set unusable (a FileLoadError naming the
// file and the ID): at startup that stops the gateway, on reload the old set stays.
import { FileLoadError } from "../reload/reloadable-files.js";
import { lookupKey, sha256Hex, sha256HexOf, shownId } from "./document-id.js";
import { readManifest, type ManifestFormat } from "./manifest.js";

export interface TrustedDocument {
  /** The key as written in its manifest. */
  id: string;
  text: string;
  file: string;
}

/** Checks a document as a request's document is checked; returns the problem in one line, or null. */
export type DocumentCheck = (text: string) => string | null;

export class TrustedDocumentSet {
  constructor(
    private readonly byKey: ReadonlyMap<string, TrustedDocument>,
    /** Each file with its format and number of documents, for the startup line. */
    readonly manifests: readonly { file: string; format: ManifestFormat; documents: number }[],
  ) {}

  /** The document a request names, by its ID as sent (a sha256 ID with or without its prefix). */
  lookup(requestedId: string): TrustedDocument | undefined {
    return this.byKey.get(lookupKey(requestedId));
  }

  get size(): number {
    return this.byKey.size;
  }
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

export function loadTrustedDocuments(files: readonly string[], check: DocumentCheck): TrustedDocumentSet {
  const byKey = new Map<string, TrustedDocument>();
  const manifests: { file: string; format: ManifestFormat; documents: number }[] = [];
  // One check per distinct text: the same document is often in several manifests (old and new app versions).
  const checked = new Map<string, string | null>();
  for (const file of files) {
    const manifest = readManifest(file);
    for (const { id, text } of manifest.entries) {
      const fail = (problem: string): never => {
        throw new FileLoadError(file, `document ${shownId(id)} ${problem}`);
      };
      if (id === "") fail("has an empty ID");
      const hex = sha256HexOf(id);
      if (hex !== null) {
        const actual = sha256Hex(text);
        if (actual !== hex) fail(`does not match its ID: the SHA-256 of the document is ${actual}`);
      }
      let problem = checked.get(text);
      if (problem === undefined) {
        problem = check(text);
        checked.set(text, problem);
      }
      if (problem !== null) fail(oneLine(problem));
      const key = lookupKey(id);
      const known = byKey.get(key);
      if (known !== undefined && known.text !== text) {
        fail(known.file === file ? "appears twice with different documents" : `gives a different document than ${known.file} does for the same ID`);
      }
      if (known === undefined) byKey.set(key, { id, text, file });
    }
    manifests.push({ file, format: manifest.format, documents: manifest.entries.length });
  }
  return new TrustedDocumentSet(byKey, manifests);
}
