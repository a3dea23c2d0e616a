// One upstream exchange on undici's Pool (src/upstream/exchange.ts) against
// real loopback servers: answers read whole however they arrive, the 1 MiB
// style limit declared or read, aborts at every stage, and failures.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AttemptSignal } from "../src/upstream/attempt-signal.js";
import { exchange, ExchangeAborted, type Exchange } from "../src/upstream/exchange.js";
import { UndiciPool } from "../src/upstream/undici-pool.js";

const LIMIT = 1024;
type Route = (req: IncomingMessage, res: ServerResponse) => void;

const routes: Record<string, Route> = {
  "/echo": (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(201, { "content-type": "application/json", "x-amzn-requestid": "r-1" });
      res.end(JSON.stringify({ method: req.method, url: req.url, type: req.headers["content-type"], body: Buffer.concat(chunks).toString() }));
    });
  },
  // No Content-Length: chunked, in pieces that arrive apart, one of them splitting a multi-byte character.
  "/pieces": (req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    const bytes = Buffer.from('{"name":"Zoë ✓"}');
    const cut = bytes.indexOf(0xc3) + 1;
    res.write(bytes.subarray(0, cut));
    setTimeout(() => res.end(bytes.subarray(cut)), 20);
  },
  "/bom": (req, res) => {
    req.resume();
    res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ok":true}')]));
  },
  "/empty": (req, res) => {
    req.resume();
    res.writeHead(204).end();
  },
  "/declared-large": (req, res) => {
    req.resume();
    res.writeHead(503, { "content-length": String(LIMIT + 1), "retry-after": "2" });
    res.end("x".repeat(LIMIT + 1));
  },
  "/exactly-limit": (req, res) => {
    req.resume();
    res.end("y".repeat(LIMIT));
  },
  "/undeclared-large": (req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/plain" });
    for (let i = 0; i < 8 && !res.destroyed; i++) res.write("z".repeat(512));
    res.end();
  },
  "/hang": (req) => {
    req.resume();
  },
  "/half": (req, res) => {
    req.resume();
    res.writeHead(200, { "content-length": "100" });
    res.write("partial");
  },
  "/reset": (req) => {
    req.socket.destroy();
  },
};

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => (routes[req.url ?? ""] ?? routes["/echo"]!)(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const request = (path: string, body?: string): Exchange => ({
  method: body === undefined ? "GET" : "POST",
  path,
  headers: body === undefined ? {} : { "content-type": "application/json" },
  body,
});

async function withPool<T>(run: (pool: InstanceType<typeof UndiciPool>) => Promise<T>, connections = 4): Promise<T> {
  const pool = new UndiciPool(origin, { connections, headersTimeout: 0, bodyTimeout: 0 });
  try {
    return await run(pool);
  } finally {
    await pool.destroy();
  }
}

describe("an exchange on undici's Pool", () => {
  it("sends method, path, headers and body, and answers with status, lower-case headers and the body as text", async () => {
    const answer = await withPool((pool) => exchange(pool, request("/echo?x=1", '{"a":1}'), LIMIT, new AttemptSignal()));
    expect(answer.status).toBe(201);
    expect(answer.headers["x-amzn-requestid"]).toBe("r-1");
    expect(JSON.parse(answer.body!)).toEqual({ method: "POST", url: "/echo?x=1", type: "application/json", body: '{"a":1}' });
  });

  it("reads a chunked answer that arrives in pieces, a character split between them", async () => {
    const answer = await withPool((pool) => exchange(pool, request("/pieces"), LIMIT, new AttemptSignal()));
    expect(answer.body).toBe('{"name":"Zoë ✓"}');
  });

  it("skips a UTF-8 byte order mark, as undici's text() does", async () => {
    const answer = await withPool((pool) => exchange(pool, request("/bom"), LIMIT, new AttemptSignal()));
    expect(answer.body).toBe('{"ok":true}');
  });

  it("answers an empty body as an empty text", async () => {
    const answer = await withPool((pool) => exchange(pool, request("/empty"), LIMIT, new AttemptSignal()));
    expect(answer).toMatchObject({ status: 204, body: "" });
  });

  it("reads a body of exactly the limit", async () => {
    const answer = await withPool((pool) => exchange(pool, request("/exactly-limit"), LIMIT, new AttemptSignal()));
    expect(answer.body).toHaveLength(LIMIT);
  });

  it("cuts a body declared over the limit: status and headers, no body", async () => {
    const answer = await withPool((pool) => exchange(pool, request("/declared-large"), LIMIT, new AttemptSignal()));
    expect(answer).toMatchObject({ status: 503, body: null });
    expect(answer.headers["retry-after"]).toBe("2");
  });

  it("cuts an undeclared body once it has read past the limit", async () => {
    const answer = await withPool((pool) => exchange(pool, request("/undeclared-large"), LIMIT, new AttemptSignal()));
    expect(answer).toMatchObject({ status: 200, body: null });
  });

  it("keeps the connection usable after a cut answer", async () => {
    const bodies = await withPool(async (pool) => {
      await exchange(pool, request("/undeclared-large"), LIMIT, new AttemptSignal());
      return (await exchange(pool, request("/echo", "{}"), LIMIT, new AttemptSignal())).status;
    }, 1);
    expect(bodies).toBe(201);
  });

  it("fails at once with a signal already aborted, sending nothing", async () => {
    const signal = new AttemptSignal();
    signal.abort();
    const failure = await withPool((pool) => exchange(pool, request("/echo", "{}"), LIMIT, signal).catch((e: unknown) => e));
    expect(failure).toBeInstanceOf(ExchangeAborted);
  });

  it("fails when aborted while waiting for its answer", async () => {
    const signal = new AttemptSignal();
    setTimeout(() => signal.abort(), 30);
    const failure = await withPool((pool) => exchange(pool, request("/hang"), LIMIT, signal).catch((e: unknown) => e));
    expect(failure).toBeInstanceOf(ExchangeAborted);
  });

  it("fails when aborted in the middle of the body", async () => {
    const signal = new AttemptSignal();
    setTimeout(() => signal.abort(), 30);
    const failure = await withPool((pool) => exchange(pool, request("/half"), LIMIT, signal).catch((e: unknown) => e));
    expect(failure).toBeInstanceOf(ExchangeAborted);
  });

  it("fails at once when aborted while queued behind a busy connection, and the connection serves the next", async () => {
    const outcome = await withPool(async (pool) => {
      const first = new AttemptSignal();
      const hanging = exchange(pool, request("/hang"), LIMIT, first).catch((e: unknown) => e);
      const queued = new AttemptSignal();
      const waiting = exchange(pool, request("/echo", "{}"), LIMIT, queued).catch((e: unknown) => e);
      const started = Date.now();
      setTimeout(() => queued.abort(), 30);
      const queuedFailure = await waiting;
      const waitedMs = Date.now() - started;
      first.abort();
      await hanging;
      const next = await exchange(pool, request("/echo", "{}"), LIMIT, new AttemptSignal());
      return { queuedFailure, waitedMs, next: next.status };
    }, 1);
    expect(outcome.queuedFailure).toBeInstanceOf(ExchangeAborted);
    expect(outcome.waitedMs).toBeLessThan(1000);
    expect(outcome.next).toBe(201);
  });

  it("fails when the server drops the connection, or nothing listens", async () => {
    const reset = await withPool((pool) => exchange(pool, request("/reset", "{}"), LIMIT, new AttemptSignal()).catch((e: unknown) => e));
    expect(reset).toBeInstanceOf(Error);
    expect(reset).not.toBeInstanceOf(ExchangeAborted);
    const closed = new UndiciPool("http://127.0.0.1:9", {});
    const refused = await exchange(closed, request("/echo"), LIMIT, new AttemptSignal()).catch((e: unknown) => e);
    await closed.destroy();
    expect(refused).toBeInstanceOf(Error);
  });
});
