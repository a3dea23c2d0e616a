// A real nginx (Debian's package) in front of gateway replicas, running
// deploy/nginx.conf with only its addresses and paths swapped for loopback
// ones and a temporary directory. Stopped by PID (SIGTERM to the master, which
// stops its workers).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const DEPLOY_CONF = fileURLToPath(new URL("../../deploy/nginx.conf", import.meta.url));

/** The nginx binary, or null when it is not installed. */
export function findNginx(): string | null {
  for (const candidate of ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** A port that was free a moment ago (nginx cannot listen on port 0 and say which port it got). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function replaceExactlyOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  const count = text.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`))?.length ?? 0;
  if (count !== 1) throw new Error(`deploy/nginx.conf: expected one ${what}, found ${count}`);
  return text.replace(pattern, replacement);
}

/**
 * deploy/nginx.conf with the replicas' `server` lines (their parameters kept),
 * the `listen` line and the access log path replaced; everything else as shipped.
 */
export function deriveTestConfig(deployConf: string, options: { listenPort: number; replicas: string[]; accessLog: string }): string {
  const serverLine = /^([ \t]*)server [0-9.]+:\d+( [^;]*)?;[ \t]*\n/gm;
  const lines = [...deployConf.matchAll(serverLine)];
  const first = lines[0];
  if (first === undefined) throw new Error("deploy/nginx.conf: no upstream server lines");
  const [indent, parameters] = [first[1] ?? "", first[2] ?? ""];
  const replicas = options.replicas.map((address) => `${indent}server ${address}${parameters};\n`).join("");
  // The first server line becomes the test's replicas; the others go.
  let conf = deployConf.replace(serverLine, (line) => (line === first[0] ? replicas : ""));
  conf = replaceExactlyOnce(conf, /^([ \t]*)listen 80;$/m, `$1listen 127.0.0.1:${options.listenPort};`, "`listen 80;`");
  conf = replaceExactlyOnce(conf, /access_log \S+ gateway_json;/, `access_log ${options.accessLog} gateway_json;`, "access_log");
  return conf;
}

export interface RunningNginx {
  origin: string;
  child: ChildProcess;
  /** The access log's JSON lines so far. */
  accessLog(): Promise<Record<string, unknown>[]>;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts nginx in the foreground on a free loopback port in front of `replicas` (host:port each). */
export async function startNginx(binary: string, replicas: string[]): Promise<RunningNginx> {
  const dir = await mkdtemp(join(tmpdir(), "replicas-nginx-"));
  // nginx started as root runs its workers as nobody: they must reach the temp paths.
  await chmod(dir, 0o755);
  const accessLogPath = join(dir, "access.log");
  const listenPort = await freePort();
  const site = deriveTestConfig(await readFile(DEPLOY_CONF, "utf8"), { listenPort, replicas, accessLog: accessLogPath });
  await writeFile(join(dir, "workload-share-gateway.conf"), site);
  // What Debian's /etc/nginx/nginx.conf provides around conf.d/*.conf, in the temp directory.
  const main = [
    "worker_processes 1;",
    `pid ${join(dir, "nginx.pid")};`,
    `error_log ${join(dir, "error.log")} warn;`,
    "events { worker_connections 1024; }",
    "http {",
    `  client_body_temp_path ${join(dir, "client_body")};`,
    `  proxy_temp_path ${join(dir, "proxy")};`,
    `  fastcgi_temp_path ${join(dir, "fastcgi")};`,
    `  uwsgi_temp_path ${join(dir, "uwsgi")};`,
    `  scgi_temp_path ${join(dir, "scgi")};`,
    `  include ${join(dir, "workload-share-gateway.conf")};`,
    "}",
    "",
  ].join("\n");
  const confPath = join(dir, "nginx.conf");
  await writeFile(confPath, main);

  let stderr = "";
  const child = spawn(binary, ["-p", `${dir}/`, "-e", join(dir, "error.log"), "-c", confPath, "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = `http://127.0.0.1:${listenPort}`;

  const errorLog = async (): Promise<string> => readFile(join(dir, "error.log"), "utf8").catch(() => "");
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${stderr}\n${await errorLog()}`);
    const answered = await fetch(`${origin}/`).then(
      (response) => response.status === 404,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer on ${origin}:\n${stderr}`);
    }
    await sleep(50);
  }

  return {
    origin,
    child,
    async accessLog() {
      const text = await readFile(accessLogPath, "utf8");
      return text
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    stderr: () => stderr,
    stop,
  };
}
