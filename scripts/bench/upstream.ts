// The bench's upstream: a minimal REST server on loopback that parses each
// request body (as a real upstream must) and answers the envelope's success.
// Run as a script it listens on port 0 and prints the port on stdout.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const CREATED_AT = "2025-01-01T00:00:00Z";

export function createBenchUpstream(): Server {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let status = 200;
      let body: string;
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { SharedWith?: unknown; ClientRequestToken?: unknown };
        if (typeof parsed.SharedWith !== "string" || typeof parsed.ClientRequestToken !== "string") throw new Error("bad body");
        body = JSON.stringify({ success: true, data: { id: randomBytes(16).toString("hex"), created_at: CREATED_AT } });
      } catch {
        status = 400;
        body = '{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Invalid request parameters"}}';
      }
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const server = createBenchUpstream();
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
  process.on("SIGTERM", () => process.exit(0));
}
