// The node:http server around the gateway, with a graceful drain: on stop it
// accepts nothing new, answers requests on kept-alive connections with 503
// and `Connection: close`, and lets in-flight requests finish.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Gateway } from "./gateway.js";
import { jsonLine, stdoutLog, type LogWriter } from "./log.js";
import { REQUEST_ID_HEADER, requestIdFrom } from "./plugins/use-request-id.js";

export interface HttpServer {
  server: Server;
  port: number;
  /** Resolves when in-flight requests finished or the timeout passed. */
  drain(timeoutMs: number): Promise<void>;
}

export interface ListenOptions {
  /** Where the drain's 503 answers are logged (the gateway logs every other request). */
  log?: LogWriter;
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? "/", "http://gateway").pathname.slice(0, 200);
  } catch {
    return "/";
  }
}

export async function listen(gateway: Gateway, port: number, host: string, options: ListenOptions = {}): Promise<HttpServer> {
  const log = options.log ?? stdoutLog;
  let draining = false;
  let inFlight = 0;
  let onIdle: (() => void) | null = null;
  const serve = gateway.node.handle;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      const requestId = requestIdFrom(typeof req.headers[REQUEST_ID_HEADER] === "string" ? req.headers[REQUEST_ID_HEADER] : null);
      res.writeHead(503, {
        connection: "close",
        "content-type": "application/json",
        "retry-after": "1",
        [REQUEST_ID_HEADER]: requestId,
      });
      res.end(JSON.stringify({ errors: [{ message: "The server is shutting down", extensions: { code: "SHUTTING_DOWN" } }] }));
      log(jsonLine({ level: "info", msg: "request", requestId, method: req.method, path: pathOf(req.url), status: 503, draining: true }));
      return;
    }
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
    serve(req, res);
  });
  server.keepAliveTimeout = 5_000;

  // A request Node's HTTP parser refuses (a CR/LF or NUL in a header, a malformed
  // request line, headers too large) never reaches yoga: answer it as Node
  // would, but with a JSON body and a request ID, and log it like any request.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const reason = status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request";
    const requestId = requestIdFrom(null);
    const body = JSON.stringify({ errors: [{ message: `${reason}: the HTTP request could not be parsed`, extensions: { code: "BAD_HTTP_REQUEST" } }] });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    log(jsonLine({ level: "info", msg: "request", requestId, method: null, path: null, status, errors: [error.code ?? "BAD_HTTP_REQUEST"] }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    server,
    port: (server.address() as AddressInfo).port,
    drain(timeoutMs: number): Promise<void> {
      draining = true;
      server.close();
      server.closeIdleConnections();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(finish, timeoutMs);
        function finish(): void {
          clearTimeout(timer);
          server.closeAllConnections();
          resolve();
        }
        if (inFlight === 0) finish();
        else onIdle = finish;
      });
    },
  };
}
