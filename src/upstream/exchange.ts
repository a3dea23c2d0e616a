// One request on undici's pool and its whole answer, the body as text, through
// undici's Dispatcher API (`dispatch` with an `onRequestStart`/`onResponse*`
// handler, as undici documents it). undici's own `request()` is that same
// dispatch with a handler that wraps every answer in a Readable stream and an
// AsyncResource, which the client then read in one go with `text()`: a stream,
// its consumer and several more promise turns per attempt, on the request's
// critical path, for a body of a few hundred bytes. Here the chunks are kept
// as they come and decoded once at the end, as `text()` decodes them (UTF-8,
// a byte order mark skipped).
import type { Dispatcher } from "undici";

type Headers = Record<string, string | string[] | undefined>;

export interface Answer {
  status: number;
  headers: Headers;
  /** null: the answer was larger than the limit (declared or read), and the exchange was cut. */
  body: string | null;
}

export interface Exchange {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** What `exchange` listens to for an abort (the attempt's deadline, the client gone). */
export interface Abortable {
  readonly aborted: boolean;
  on(event: "abort", listener: () => void): unknown;
  removeListener(event: "abort", listener: () => void): unknown;
}

/** The error an aborted exchange fails with. */
export class ExchangeAborted extends Error {
  constructor() {
    super("The upstream request was aborted");
    this.name = "ExchangeAborted";
  }
}

const DECLARED_LENGTH = /^\d+$/;

class AnswerCollector implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private headers: Headers = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  private readonly onAbort = (): void => {
    this.fail(new ExchangeAborted());
    this.controller?.abort(new ExchangeAborted());
  };

  constructor(
    private readonly maxBytes: number,
    private readonly signal: Abortable,
    private readonly resolve: (answer: Answer) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    if (signal.aborted) this.fail(new ExchangeAborted());
    else signal.on("abort", this.onAbort);
  }

  // undici calls this again when it sends the request anew on another connection.
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.chunks = [];
    this.size = 0;
    if (this.settled) controller.abort(new ExchangeAborted());
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Headers): void {
    if (statusCode < 200) return; // an informational answer: the real one follows
    this.status = statusCode;
    this.headers = headers;
    const length = headers["content-length"];
    if (typeof length === "string" && DECLARED_LENGTH.test(length) && Number(length) > this.maxBytes) this.cut(controller);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) this.cut(controller);
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const body = decode(this.chunks, this.size);
    this.settle();
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Too large: answered without its body, and the rest of it is not read. */
  private cut(controller: Dispatcher.DispatchController): void {
    this.settle();
    this.resolve({ status: this.status, headers: this.headers, body: null });
    controller.abort(new ExchangeAborted());
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    this.chunks = [];
    this.signal.removeListener("abort", this.onAbort);
  }
}

/** As undici's `text()`: the bytes as UTF-8, a leading byte order mark skipped. */
function decode(chunks: Buffer[], size: number): string {
  if (chunks.length === 0) return "";
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  const start = bytes.length > 2 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.toString("utf8", start);
}

/**
 * Sends `request` on `pool` and resolves with the answer once it has been read
 * whole (its body null when over `maxBytes`). Rejects when the exchange fails
 * (no connection, a reset, a malformed answer) or `signal` aborts it: at once,
 * even while the request still waits for a free connection.
 */
export function exchange(pool: Dispatcher, request: Exchange, maxBytes: number, signal: Abortable): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const collector = new AnswerCollector(maxBytes, signal, resolve, reject);
    if (signal.aborted) return;
    pool.dispatch({ method: request.method, path: request.path, headers: request.headers, body: request.body }, collector);
  });
}
