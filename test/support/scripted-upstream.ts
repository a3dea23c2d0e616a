// A test-only upstream on loopback that answers literal bytes, one scripted
// answer per request, and records what it received. It shares no code with
// the gateway, so it is an independent witness of the wire.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** Literal body bytes. */
  body?: string;
  /** Wait before answering. */
  delayMs?: number;
  /** Drop the connection without answering. */
  reset?: boolean;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

export interface ScriptedUpstream {
  url: string;
  received: ReceivedRequest[];
  /** Requests whose client hung up before the answer was written. */
  readonly abandoned: number;
  /** The most requests this server held at once since the last script(). */
  readonly maxInFlight: number;
  /** Answers for the next requests, in order; the last one repeats. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  let answers: ScriptedAnswer[] = [{ status: 500, body: "" }];
  let next = 0;
  const received: ReceivedRequest[] = [];
  let abandoned = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once("close", () => inFlight--);
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      });
      const answer = answers[Math.min(next, answers.length - 1)] ?? {};
      next++;
      res.once("close", () => {
        if (!res.writableFinished) abandoned++;
      });
      const respond = (): void => {
        if (answer.reset) {
          req.socket.destroy();
          return;
        }
        if (res.destroyed) return;
        const body = answer.body ?? "";
        res.writeHead(answer.status ?? 200, {
          "content-length": String(Buffer.byteLength(body)),
          ...answer.headers,
        });
        res.end(body);
      };
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get abandoned() {
      return abandoned;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    script(...list) {
      answers = list;
      next = 0;
      maxInFlight = inFlight;
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
