// The node:http server around the gateway, with a graceful drain: on stop it
// accepts nothing new, answers requests on kept-alive connections with 503
// and `Connection: close`, and lets in-flight requests finish.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Gateway } from "./gateway.js";

export interface HttpServer {
  server: Server;
  port: number;
  /** Resolves when in-flight requests finished or the timeout passed. */
  drain(timeoutMs: number): Promise<void>;
}

export async function listen(gateway: Gateway, port: number, host: string): Promise<HttpServer> {
  let draining = false;
  let inFlight = 0;
  let onIdle: (() => void) | null = null;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      res.writeHead(503, { connection: "close", "content-type": "application/json", "retry-after": "1" });
      res.end(JSON.stringify({ errors: [{ message: "The server is shutting down" }] }));
      return;
    }
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
    void gateway(req, res);
  });
  server.keepAliveTimeout = 5_000;

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
