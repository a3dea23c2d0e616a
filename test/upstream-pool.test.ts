// The upstream client takes undici's Pool from undici's own files instead of
// the package entry, which loads the whole of undici (src/upstream/undici-pool.ts).
// Each check runs in a fresh Node process: in vitest's, something else may
// have loaded undici's entry point already and would hide a Pool that cannot
// make requests on its own.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function runFresh(body: string): { stdout: string; stderr: string } {
  const script = [
    'import { createRequire } from "node:module";',
    'import { createServer } from "node:http";',
    'import { once } from "node:events";',
    "const require = createRequire(import.meta.url);",
    'const entry = require.resolve("undici");',
    'const { UndiciPool } = await import("./src/upstream/undici-pool.ts");',
    'const { AttemptSignal } = await import("./src/upstream/attempt-signal.ts");',
    'const { exchange, ExchangeAborted } = await import("./src/upstream/exchange.ts");',
    "const out = {};",
    body,
    "process.stdout.write(JSON.stringify(out));",
  ].join("\n");
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: new URL("..", import.meta.url),
    encoding: "utf8",
    timeout: 20_000,
  });
  return { stdout: run.stdout, stderr: run.stderr };
}

describe("the upstream client's undici Pool, without undici's entry point", () => {
  it("makes exchanges over a real loopback server, aborts one, and never loads the entry point or undici's request API", () => {
    const run = runFresh(`
      let seen = 0;
      const server = createServer((req, res) => {
        seen++;
        if (req.url === "/hang") return;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ path: req.url, method: req.method }));
      });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      const pool = new UndiciPool("http://127.0.0.1:" + server.address().port, { connections: 2 });
      const answer = await exchange(pool, { method: "POST", path: "/shares", headers: {}, body: "{}" }, 1024, new AttemptSignal());
      out.status = answer.status;
      out.body = answer.body;
      out.entryLoadedAfterRequest = entry in require.cache;
      out.requestApiLoaded = Object.keys(require.cache).some((path) => path.includes("undici/lib/api/"));
      const signal = new AttemptSignal();
      const hanging = exchange(pool, { method: "GET", path: "/hang", headers: {}, body: undefined }, 1024, signal);
      setTimeout(() => signal.abort(), 50);
      const failure = await hanging.then(() => null, (error) => error);
      out.seen = seen;
      await pool.destroy();
      server.closeAllConnections();
      server.close();
      // Loading the entry point afterwards: the same class and the same error classes.
      const undici = require("undici");
      out.sameClass = UndiciPool === undici.Pool;
      out.aborted = failure instanceof ExchangeAborted;
    `);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      status: 200,
      body: JSON.stringify({ path: "/shares", method: "POST" }),
      entryLoadedAfterRequest: false,
      requestApiLoaded: false,
      seen: 2,
      sameClass: true,
      aborted: true,
    });
  });

  it("leaves the gateway's upstream client without undici's entry point or the SigV4 libraries", () => {
    const run = runFresh(`
      const { UpstreamClient } = await import("./src/upstream/client.ts");
      new UpstreamClient({ baseUrl: "http://127.0.0.1:9", timeoutMs: 1000, maxAttempts: 1 });
      out.entry = entry in require.cache;
      out.smithy = Object.keys(require.cache).some((path) => path.includes("@smithy"));
    `);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ entry: false, smithy: false });
  });
});
