// Measurement only (not part of the product): what the same schema, context
// and upstream client cost per request when run through `yoga.getEnveloped()`
// behind a plain node:http handler instead of yoga's HTTP pipeline (no CORS,
// CSRF, body checks, caller auth, request log or metrics). It bounds what a
// "faster path" around the Fetch API adapter could save; see README Performance.
//   node --import tsx scripts/bench/enveloped-probe.ts   (after npm run build)
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { UNRESTRICTED_CALLER } from "../../src/auth/caller.js";
import { readConfig } from "../../src/config.js";
import { recordOf } from "../../src/server/request-record.js";
import { createGateway } from "../../src/server/gateway.js";
import { UpstreamClient } from "../../src/upstream/client.js";
import { runLoad } from "./load.js";
import { cpuTimeUs, peakRssMiB } from "./proc.js";
import { pinned, pinSelf } from "./processes.js";
import { graphqlShareRequest } from "./workload.js";

if (process.env.PROBE_CHILD !== "1") {
  // Parent: start the upstream (core 1), this file again as the server (core 0), and drive load from here (core 1).
  pinSelf(1);
  const [u, ...ua] = pinned(1, [process.execPath, "--import", "tsx", "scripts/bench/upstream.ts"]);
  const upstream = spawn(u!, ua, { stdio: ["ignore", "pipe", "inherit"] });
  const upstreamPort = String((await once(upstream.stdout!, "data"))[0]).trim();
  const [s, ...sa] = pinned(0, [process.execPath, "--import", "tsx", "scripts/bench/enveloped-probe.ts"]);
  const server = spawn(s!, sa, { env: { ...process.env, PROBE_CHILD: "1", UPSTREAM_PORT: upstreamPort }, stdio: ["ignore", "pipe", "inherit"] });
  const port = String((await once(server.stdout!, "data"))[0]).trim();
  const request = graphqlShareRequest(`http://127.0.0.1:${port}`);
  await runLoad({ ...request, connections: 10, durationMs: 3000 });
  for (const connections of [1, 10, 50]) {
    const cpu0 = cpuTimeUs(server.pid!);
    const result = await runLoad({ ...request, connections, durationMs: 4000 });
    const sorted = result.latenciesUs.slice().sort();
    console.log(
      `getEnveloped probe, ${connections} conns: ${((result.requests / result.elapsedMs) * 1000).toFixed(0)} req/s, ` +
        `p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} µs, CPU ${((cpuTimeUs(server.pid!) - cpu0) / result.requests).toFixed(0)} µs/req, ` +
        `peak RSS ${peakRssMiB(server.pid!).toFixed(1)} MiB (the server runs under tsx: ~50 MiB of it is the TypeScript loader), errors ${result.errors}${result.firstError ? ` (${result.firstError})` : ""}`,
    );
  }
  server.kill("SIGKILL");
  upstream.kill("SIGKILL");
  process.exit(0);
}

const upstreamUrl = `http://127.0.0.1:${process.env.UPSTREAM_PORT}`;
const config = readConfig({ NODE_ENV: "production", HOST: "127.0.0.1", PORT: "0", UPSTREAM_URL: upstreamUrl });
const upstream = new UpstreamClient({ baseUrl: upstreamUrl, timeoutMs: config.upstreamTimeoutMs, maxAttempts: config.upstreamMaxAttempts });
const yoga = await createGateway(config, upstream, { log: () => undefined });
const documents = new Map<string, unknown>();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    void (async () => {
      const params = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { query: string; variables?: Record<string, unknown>; operationName?: string };
      const request = new Request(`http://localhost${req.url ?? "/"}`, { method: "POST", headers: req.headers as Record<string, string> });
      // What use-caller-auth does for AUTH_MODE=none (the probe runs no yoga-level hook).
      recordOf(request).caller = UNRESTRICTED_CALLER;
      const { parse, validate, contextFactory, execute, schema } = yoga.getEnveloped({ request, params });
      let document = documents.get(params.query) as ReturnType<typeof parse> | undefined;
      if (document === undefined) {
        document = parse(params.query);
        if (validate(schema, document).length > 0) throw new Error("invalid document");
        documents.set(params.query, document);
      }
      const contextValue = await contextFactory({ request, params });
      const result = await execute({ schema, document, variableValues: params.variables, operationName: params.operationName, contextValue });
      const body = JSON.stringify(result);
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
      res.end(body);
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
