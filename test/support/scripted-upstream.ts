// A test-only upstream on loopback that answers literal bytes, one scripted
// answer per request, and records what it received. It shares no code with
// the gateway, so it is an independent witness of the wire. The gateway's
// background probe (GET of the base URL, "/") is answered and recorded apart
// from the script, so it never takes a scripted answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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
  /** Probes of the base URL ("GET /") received, apart from `received`. */
  probes: ReceivedRequest[];
  /** How probes are answered from now on (default: 404, empty). */
  answerProbes(answer: ScriptedAnswer): void;
  close(): Promise<void>;
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  let answers: ScriptedAnswer[] = [{ status: 500, body: "" }];
  let probeAnswer: ScriptedAnswer = { status: 404, body: "" };
  const probes: ReceivedRequest[] = [];
  let next = 0;
  const received: ReceivedRequest[] = [];
  let abandoned = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/") {
      probes.push({ method: req.method, url: req.url, headers: req.headers, body: "", at: Date.now() });
      req.resume();
      respondWith(req, res, probeAnswer);
      return;
    }
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
      respondWith(req, res, answer);
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
    probes,
    answerProbes(answer) {
      probeAnswer = answer;
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

function respondWith(req: IncomingMessage, res: ServerResponse, answer: ScriptedAnswer): void {
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
}
