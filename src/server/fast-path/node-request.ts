// The Request the gateway's hooks see on the fast path: a view of Node's
// IncomingMessage with what they read (method, url, headers, signal), built
// without copying headers or wrapping the body in a stream as yoga's Fetch
// adapter does. The body is read by the fast path itself, before any hook runs.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { newRecord, type RequestRecord } from "../request-record.js";

/** Fetch's Headers, read-only, over Node's parsed headers (names are already lower-case). */
export class NodeRequestHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) callback(value, name);
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

type AbortListener = (event: { type: "abort" }) => void;

/**
 * What the gateway's code reads of a request's AbortSignal (aborted, reason, and
 * abort listeners), without an AbortController and its EventTarget: aborted
 * when the client goes away before its response is written, so upstream
 * attempts and retry waits stop.
 */
export class ClientGoneSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: AbortListener | null = null;
  private listeners: AbortListener[] | null = null;

  addEventListener(type: string, listener: AbortListener): void {
    if (type === "abort") (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: string, listener: AbortListener): void {
    if (type !== "abort" || this.listeners === null) return;
    const i = this.listeners.indexOf(listener);
    if (i !== -1) this.listeners.splice(i, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException("The client went away", "AbortError");
    const listeners = this.listeners ?? [];
    this.listeners = null;
    const event = { type: "abort" as const };
    this.onabort?.(event);
    for (const listener of listeners) listener(event);
  }
}

export class NodeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: NodeRequestHeaders;
  /** What recordOf() returns for this request (no WeakMap lookup); its clock starts on arrival. */
  readonly gatewayRecord: RequestRecord = newRecord();
  private clientGone: ClientGoneSignal | null = null;

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
    origin: string,
  ) {
    this.method = req.method ?? "POST";
    this.url = origin + (req.url ?? "/");
    this.headers = new NodeRequestHeaders(req.headers);
  }

  get signal(): AbortSignal {
    if (this.clientGone === null) {
      const signal = new ClientGoneSignal();
      this.clientGone = signal;
      this.res.once("close", () => {
        if (!this.res.writableFinished) signal.abort();
      });
    }
    return this.clientGone as unknown as AbortSignal;
  }
}

/** The hooks' view as the Fetch type they are written against; only the members above are there. */
export function asFetchRequest(request: NodeRequest): Request {
  return request as unknown as Request;
}
