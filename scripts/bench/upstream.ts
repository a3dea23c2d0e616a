// The bench's upstream: a minimal REST server on loopback that parses each
// request body (as a real upstream must) and answers the envelope's success.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const CREATED_AT = "2025-01-01T00:00:00Z";

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
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
