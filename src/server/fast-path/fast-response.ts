// The Response the fast path builds: what yoga's result processor and the
// gateway's onResponse hooks write (status, headers, a string body), held as
// plain values until it is written to Node's ServerResponse in one go.
import type { ServerResponse } from "node:http";

export class FastHeaders {
  private readonly map = new Map<string, string>();

  constructor(init?: Record<string, string>) {
    if (init) for (const name of Object.keys(init)) this.map.set(name.toLowerCase(), init[name]!);
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), String(value));
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.map.get(key);
    this.map.set(key, existing === undefined ? String(value) : `${existing}, ${value}`);
  }

  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.map) callback(value, name);
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }

  toObject(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}

export class FastResponse {
  readonly status: number;
  readonly headers: FastHeaders;

  constructor(
    readonly body: string | null,
    init: { status?: number; headers?: Record<string, string> } = {},
  ) {
    this.status = init.status ?? 200;
    this.headers = new FastHeaders(init.headers);
    // Where the Fetch Response yoga builds puts it: before any onResponse hook adds its headers.
    if (body !== null && !this.headers.has("content-length")) this.headers.set("content-length", String(Buffer.byteLength(body)));
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** Written as yoga's Node adapter writes a string body: one writeHead, one end. */
  writeTo(res: ServerResponse): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(this.status, this.headers.toObject());
    res.end(this.body ?? undefined);
  }
}

/** The part of yoga's fetchAPI its regular result processor uses. */
export const FAST_FETCH_API = { Response: FastResponse };
