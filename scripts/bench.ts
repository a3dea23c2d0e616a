// npm run bench [-- --soak] [-- --rounds N] [-- --seconds S]
//
// Starts a minimal upstream and the gateway in its production configuration
// (NODE_ENV=production, caller JWT auth on, limits, logs and metrics on),
// warms up, then drives createWorkloadShare at 1, 10 and 50 connections in
// interleaved rounds, side by side with the same load sent straight to the
// upstream, and prints req/s, p50/p99 latency (µs), the gateway's CPU time per
// request, peak RSS and errors, with the ratios. Results also go to
// bench-results/bench-<time>.json. With --soak it sends 1,000,000 requests and
// reports RSS over time.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import { percentile, runLoad, type LoadResult } from "./bench/load.js";
import { cpuTimeUs, peakRssMiB, rssMiB } from "./bench/proc.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const SOAK = args.includes("--soak");
const ROUNDS = option("--rounds", 3);
const SECONDS = option("--seconds", 4);
const CONNECTIONS = [1, 10, 50];
const WORKLOAD = "0123456789abcdef0123456789abcdef";
const JWT_SECRET = "bench-only-secret-0123456789abcdef0123456789abcdef";
const ISSUER = "https://issuer.bench.local/";
const AUDIENCE = "workload-share-gateway";

const hasTaskset = spawnSync("taskset", ["--version"]).status === 0 && (await import("node:os")).cpus().length >= 2;
const pin = (core: number, command: string[]): string[] => (hasTaskset ? ["taskset", "-c", String(core), ...command] : command);

/** package.json's `start` script as an argv (`node <flags> dist/main.js`); BENCH_NODE_FLAGS overrides the flags. */
function startCommand(): string[] {
  const { scripts } = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { scripts: { start: string } };
  // `exec` lets npm's SIGTERM reach node itself instead of the shell npm runs it in.
  const [node, ...rest] = scripts.start.trim().replace(/^exec\s+/, "").split(/\s+/);
  if (node !== "node") throw new Error(`unexpected start script: ${scripts.start}`);
  const script = rest.filter((a) => !a.startsWith("--"));
  const flags = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean) : rest.filter((a) => a.startsWith("--"));
  return [process.execPath, ...flags, ...script];
}

const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

function startProcess(command: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const [file, ...rest] = command;
  const child = spawn(file!, rest, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = ready.exec(seen);
      if (match) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve({ child, match });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (seen += c.toString()));
    child.once("exit", (code) => reject(new Error(`${command.join(" ")} exited with ${code}:\n${seen}`)));
  });
}

// The bench process (load generator) and the upstream share core 1; the gateway gets core 0.
if (hasTaskset) spawnSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });

const upstream = await startProcess(pin(1, [process.execPath, "--import", "tsx", "scripts/bench/upstream.ts"]), {}, /^(\d+)\n/);
const upstreamUrl = `http://127.0.0.1:${upstream.match[1]}`;
const gateway = await startProcess(
  // Exactly what `npm start` runs (compiled dist/main.js and its V8 flags), not a TypeScript loader.
  pin(0, startCommand()),
  {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    UPSTREAM_URL: upstreamUrl,
    AUTH_MODE: "jwt",
    JWT_SECRET,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
  },
  /gateway: http:\/\/[^:]+:(\d+)\/graphql/,
);
const gatewayPid = gateway.child.pid!;
const gatewayUrl = `http://127.0.0.1:${gateway.match[1]}`;

const token = await new SignJWT({ scope: "workload-shares:write workload-shares:read" })
  .setProtectedHeader({ alg: "HS256" })
  .setIssuer(ISSUER)
  .setAudience(AUDIENCE)
  .setSubject("bench")
  .setExpirationTime("2h")
  .sign(new TextEncoder().encode(JWT_SECRET));

const QUERY = `mutation Share($input: CreateWorkloadShareInput!) { createWorkloadShare(input: $input) {
  __typename ... on CreateWorkloadShareSuccess { clientRequestToken share { id createdAt } } ... on Error { code } } }`;
const gatewayRequest = {
  url: gatewayUrl,
  path: "/graphql",
  method: "POST" as const,
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  body: JSON.stringify({ query: QUERY, variables: { input: { workloadId: WORKLOAD, sharedWith: "123456789012", permissionType: "READONLY" } }, operationName: "Share" }),
  check: (status: number, body: string) => status === 200 && body.includes('"__typename":"CreateWorkloadShareSuccess"'),
};
const directRequest = {
  url: upstreamUrl,
  path: `/workloads/${WORKLOAD}/shares`,
  method: "POST" as const,
  headers: { "content-type": "application/json", accept: "application/json" },
  body: JSON.stringify({ SharedWith: "123456789012", PermissionType: "READONLY", ClientRequestToken: "6f1c3e1a-8d8e-4c55-9d0e-0d5b7e0c1a11" }),
  check: (status: number, body: string) => status === 200 && body.includes('"success":true'),
};

// Prove production settings are on: no token is refused, and so is an over-deep document.
const unauthenticated = await fetch(`${gatewayUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: gatewayRequest.body });
if (unauthenticated.status !== 401) throw new Error(`caller auth is not on: a request without a token got ${unauthenticated.status}`);
// 20 levels of share -> workload -> shares: over MAX_DEPTH (12).
let deepSelection = "id";
for (let i = 0; i < 5; i++) deepSelection = `shares { ... on WorkloadShareConnection { edges { node { workload { ${deepSelection} } } } } }`;
const deep = `{ workloadShares(workloadId: "${WORKLOAD}") { ... on WorkloadShareConnection { edges { node { workload { ${deepSelection} } } } } } }`;
const limited = await fetch(`${gatewayUrl}/graphql`, { method: "POST", headers: gatewayRequest.headers, body: JSON.stringify({ query: deep }) });
if (limited.status < 400 || limited.status >= 500) throw new Error(`limits are not on: a document over MAX_DEPTH got ${limited.status}`);
console.log(`production settings: no token -> HTTP ${unauthenticated.status}; a document over MAX_DEPTH -> HTTP ${limited.status}`);
console.log(`pinning: ${hasTaskset ? "gateway on core 0, upstream and load generator on core 1 (taskset)" : "none (taskset or a second core is missing)"}`);

interface Measured {
  rps: number;
  p50Us: number;
  p99Us: number;
  errors: number;
  requests: number;
  cpuUsPerRequest: number | null;
  firstError: string | null;
}

function summarize(result: LoadResult, cpuUs: number | null): Measured {
  const sorted = result.latenciesUs.slice().sort();
  return {
    rps: (result.requests / result.elapsedMs) * 1000,
    p50Us: percentile(sorted, 50),
    p99Us: percentile(sorted, 99),
    errors: result.errors,
    requests: result.requests,
    cpuUsPerRequest: cpuUs === null ? null : cpuUs / Math.max(1, result.requests),
    firstError: result.firstError,
  };
}

async function measureGateway(connections: number, durationMs: number): Promise<Measured> {
  const cpu0 = cpuTimeUs(gatewayPid);
  const result = await runLoad({ ...gatewayRequest, connections, durationMs });
  return summarize(result, cpuTimeUs(gatewayPid) - cpu0);
}

async function measureDirect(connections: number, durationMs: number): Promise<Measured> {
  return summarize(await runLoad({ ...directRequest, connections, durationMs }), null);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};
const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : "-");

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  pinned: hasTaskset,
  settings: "NODE_ENV=production, AUTH_MODE=jwt (HS256), limits, metrics and logs at production levels",
  command: startCommand().slice(1).join(" "),
};

if (SOAK) {
  console.log("soak: 1,000,000 requests at 50 connections");
  await measureGateway(10, 3000);
  const samples: { requests: number; rssMiB: number }[] = [];
  let total = 0;
  let errors = 0;
  while (total < 1_000_000) {
    const r = await measureGateway(50, 5000);
    total += r.requests;
    errors += r.errors;
    samples.push({ requests: total, rssMiB: rssMiB(gatewayPid) });
    console.log(`  ${String(total).padStart(8)} requests  RSS ${fmt(rssMiB(gatewayPid), 1)} MiB  ${fmt(r.rps)} req/s  errors ${r.errors}`);
  }
  // After warm-up (the first 20% of samples), RSS levels off when the median of
  // every window of 5 samples stays within ±10% of the overall median; single
  // samples also show the garbage collector's sawtooth, reported as they are.
  const settled = samples.slice(Math.ceil(samples.length * 0.2)).map((s) => s.rssMiB);
  const mid = median(settled);
  const windows = settled.slice(0, Math.max(1, settled.length - 4)).map((_, i) => median(settled.slice(i, i + 5)));
  const spread = Math.max(...windows.map((w) => Math.abs(w - mid) / mid));
  const firstQuarter = median(settled.slice(0, Math.max(1, Math.floor(settled.length / 4))));
  const lastQuarter = median(settled.slice(-Math.max(1, Math.floor(settled.length / 4))));
  console.log(
    `soak: ${total} requests, ${errors} errors; RSS after warm-up: median ${fmt(mid, 1)} MiB, ` +
      `samples ${fmt(Math.min(...settled), 1)}-${fmt(Math.max(...settled), 1)} MiB (GC sawtooth), ` +
      `5-sample medians within ±${fmt(spread * 100, 1)}%, first/last quarter ${fmt(firstQuarter, 1)}/${fmt(lastQuarter, 1)} MiB: ` +
      `${spread <= 0.1 ? "flat (target ±10%)" : "NOT flat (target ±10%)"}`,
  );
  Object.assign(results, { soak: { total, errors, samples, settledMedianMiB: mid, windowMaxDeviation: spread, firstQuarter, lastQuarter } });
} else {
  console.log(`warm-up, then ${ROUNDS} interleaved rounds of ${SECONDS} s per connection count`);
  await measureGateway(10, 3000);
  await measureDirect(10, 1000);
  const rounds: Record<number, { gateway: Measured[]; direct: Measured[] }> = {};
  for (const c of CONNECTIONS) rounds[c] = { gateway: [], direct: [] };
  let peak50 = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of CONNECTIONS) {
      rounds[c]!.gateway.push(await measureGateway(c, SECONDS * 1000));
      if (c === 50) peak50 = Math.max(peak50, peakRssMiB(gatewayPid));
      rounds[c]!.direct.push(await measureDirect(c, SECONDS * 1000));
    }
  }
  console.log("");
  console.log("conns | target   |    req/s | p50 µs | p99 µs | CPU µs/req | errors | gateway/direct");
  const table: Record<string, unknown> = {};
  for (const c of CONNECTIONS) {
    const g = rounds[c]!.gateway;
    const d = rounds[c]!.direct;
    const row = {
      gateway: {
        rps: median(g.map((m) => m.rps)),
        p50Us: median(g.map((m) => m.p50Us)),
        p99Us: median(g.map((m) => m.p99Us)),
        cpuUsPerRequest: median(g.map((m) => m.cpuUsPerRequest ?? NaN)),
        errors: g.reduce((n, m) => n + m.errors, 0),
        firstError: g.find((m) => m.firstError)?.firstError ?? null,
      },
      direct: {
        rps: median(d.map((m) => m.rps)),
        p50Us: median(d.map((m) => m.p50Us)),
        p99Us: median(d.map((m) => m.p99Us)),
        errors: d.reduce((n, m) => n + m.errors, 0),
      },
      rounds: { gateway: g, direct: d },
    };
    table[c] = row;
    console.log(
      `${String(c).padStart(5)} | gateway  | ${fmt(row.gateway.rps).padStart(8)} | ${fmt(row.gateway.p50Us).padStart(6)} | ${fmt(row.gateway.p99Us).padStart(6)} | ${fmt(row.gateway.cpuUsPerRequest).padStart(10)} | ${String(row.gateway.errors).padStart(6)} | ${fmt(row.gateway.rps / row.direct.rps, 2)}x req/s`,
    );
    console.log(
      `${String(c).padStart(5)} | direct   | ${fmt(row.direct.rps).padStart(8)} | ${fmt(row.direct.p50Us).padStart(6)} | ${fmt(row.direct.p99Us).padStart(6)} |          - | ${String(row.direct.errors).padStart(6)} | +${fmt(row.gateway.p50Us - row.direct.p50Us)} µs p50 added`,
    );
    if (row.gateway.firstError) console.log(`        first gateway error: ${row.gateway.firstError}`);
  }
  const c1 = table[1] as { gateway: { p50Us: number }; direct: { p50Us: number } };
  const c10 = table[10] as { gateway: { cpuUsPerRequest: number } };
  console.log("");
  console.log(`gateway CPU per request at 10 connections: ${fmt(c10.gateway.cpuUsPerRequest)} µs (target <= 250, goal <= 170)`);
  console.log(`p50 latency added at 1 connection: ${fmt((c1.gateway.p50Us - c1.direct.p50Us) / 1000, 3)} ms (target <= 0.4)`);
  console.log(`peak RSS during the 50-connection rounds: ${fmt(peak50, 1)} MiB (target <= 150)`);
  Object.assign(results, { connections: table, peakRssMiB50: peak50 });
}

mkdirSync(`${root}/bench-results`, { recursive: true });
const file = `${root}/bench-results/bench-${new Date().toISOString().replace(/[:.]/g, "-")}${SOAK ? "-soak" : ""}.json`;
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`results: ${file}`);
gateway.child.kill("SIGTERM");
upstream.child.kill("SIGTERM");
process.exit(0);
