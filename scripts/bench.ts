// npm run bench [-- --quick] [-- --soak] [-- --attribute] [-- --rounds N] [-- --seconds S] [-- --config NAME[,NAME]]
//
// Starts a minimal upstream, the gateway exactly as `npm start` runs it in its
// production configuration (NODE_ENV=production, caller JWT auth on, limits,
// logs and metrics on; proven before measuring), and the plain yoga build of
// scripts/bench/plain-yoga.ts as the yardstick. Servers under test run alone on
// core 0; the upstream and the load generator (this process) on core 1. After
// a warm-up it drives createWorkloadShare at 1, 10 and 50 connections in
// interleaved rounds, each beside the same load sent straight to the upstream,
// and prints every figure absolute and as a ratio to the plain build: CPU
// µs/request, p50/p99 added over the direct call, peak RSS at 50 connections,
// req/s, errors (every response's body checked). Medians of the rounds. Extra
// gateway configurations (scripts/bench/configurations.ts) run as more columns
// with --config. Results go to bench-results/bench-<time>.json. --soak sends
// 1,000,000 requests at 50 connections to each gateway configuration and
// reports RSS over time. --attribute runs, at 10 connections only, one
// configuration per part of the request path left out (MEASURE_WITHOUT,
// AUTH_MODE=none, FAST_PATH=false, no heap flags), each beside a production
// twin started with it, and prints what each part costs: the median per-round
// share of the twin's CPU per request that the row saves.
// --quick: short rounds, for a smoke run only.
// The node on PATH runs everything: PATH=/opt/node24/bin:$PATH npm run bench.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { SignJWT } from "jose";
import { applyOverrides, ATTRIBUTION, CONFIGURATIONS, PRODUCTION, selectConfigurations, startScript } from "./bench/configurations.js";
import { runLoad } from "./bench/load.js";
import { cpuTimeUs, peakRssMiB, resetPeakRss, rssMiB, rssSplitMiB } from "./bench/proc.js";
import { canPin, pinned, pinSelf, startProcess } from "./bench/processes.js";
import { proveProductionSettings, type ProductionProof } from "./bench/production-proof.js";
import {
  attributionTable,
  DIRECT,
  figures,
  measured,
  median,
  ratioTable,
  summarize,
  targets,
  YARDSTICK,
  type AttributionPair,
  type Measured,
  type Summaries,
} from "./bench/report.js";
import { directShareRequest, graphqlShareRequest, type BenchRequest } from "./bench/workload.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: options } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    soak: { type: "boolean", default: false },
    rounds: { type: "string" },
    seconds: { type: "string" },
    config: { type: "string", multiple: true, default: [] },
    attribute: { type: "boolean", default: false },
  },
});
const QUICK = options.quick;
const SOAK = options.soak;
const positive = (name: string, value: string | undefined, fallback: number): number => {
  const n = value === undefined ? fallback : Number(value);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number, got ${value}`);
  return n;
};
// --attribute: production beside each configuration of ATTRIBUTION (one part left out each), at 10 connections.
const ATTRIBUTE = options.attribute;
// Many short rounds rather than few long ones: the shared machine changes speed for seconds at a
// time, and a median over 7 rounds shrugs off the two or three that fall in such a phase
// (docs/performance.md, "Reading the ratio table").
const ROUNDS = Math.round(positive("rounds", options.rounds, QUICK ? 2 : 7));
const SECONDS = positive("seconds", options.seconds, QUICK ? 1 : ATTRIBUTE ? 1.5 : 2);
const WARM_UP_MS = QUICK ? 1000 : 3000;
const SOAK_REQUESTS = QUICK ? 20_000 : 1_000_000;
const SOAK_WINDOW_MS = QUICK ? 1000 : 5000;
const CONNECTIONS: readonly number[] = ATTRIBUTE ? [10] : [1, 10, 50];
const configurationNames = selectConfigurations(options.config);

const JWT_SECRET = "bench-only-secret-0123456789abcdef0123456789abcdef";
const ISSUER = "https://issuer.bench.local/";
const AUDIENCE = "workload-share-gateway";
const PRODUCTION_ENV = {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  AUTH_MODE: "jwt",
  JWT_SECRET,
  JWT_ISSUER: ISSUER,
  JWT_AUDIENCE: AUDIENCE,
};

/** package.json's `start` script as an argv (`node <flags> dist/main.js`) with the node on PATH; `flags` replaces its V8 flags, `entry` its script. */
function startCommand(flags?: string[], entry?: string): string[] {
  const start = startScript();
  return [process.execPath, ...(flags ?? start.flags), ...(entry !== undefined ? [entry] : start.rest)];
}
/** BENCH_NODE_FLAGS="…" replaces the start script's V8 flags of the production configuration. */
const envFlags = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean) : undefined;

interface Server {
  name: string;
  pid: number;
  child: ChildProcess;
  kill(): void;
  request: BenchRequest;
  command: string;
  env: Record<string, string | null>;
  proof: ProductionProof | null;
}

pinSelf(1);
const upstream = await startProcess(pinned(1, [process.execPath, "--import", "tsx", "scripts/bench/upstream.ts"]), root, applyOverrides(process.env), /^(\d+)\n/);
const upstreamUrl = `http://127.0.0.1:${upstream.match[1]}`;
const directRequest = directShareRequest(upstreamUrl);

// groups: the team the `policy` configuration's own-team example permits for the bench's workload.
const token = await new SignJWT({ scope: "workload-shares:write workload-shares:read", groups: ["payments"] })
  .setProtectedHeader({ alg: "HS256" })
  .setIssuer(ISSUER)
  .setAudience(AUDIENCE)
  .setSubject("bench")
  .setExpirationTime("2h")
  .sign(new TextEncoder().encode(JWT_SECRET));
const authorization = `Bearer ${token}`;

async function startGateway(name: string): Promise<Server> {
  const configuration = (CONFIGURATIONS[name] ?? ATTRIBUTION[name])!;
  const flags = configuration.nodeFlags ?? (name === PRODUCTION ? envFlags : undefined);
  // Exactly what `npm start` runs (compiled dist/main.js and its V8 flags), not a TypeScript loader.
  const command = startCommand(flags, configuration.script);
  const overrides = { ...PRODUCTION_ENV, UPSTREAM_URL: upstreamUrl, ...configuration.env };
  const started = await startProcess(pinned(0, command), root, applyOverrides(process.env, overrides), /gateway: http:\/\/[^:]+:(\d+)\/graphql/);
  const origin = `http://127.0.0.1:${started.match[1]}`;
  const proof = configuration.proveProductionSettings === false ? null : await proveProductionSettings(origin, authorization);
  return {
    name,
    pid: started.pid,
    child: started.child,
    kill: () => started.child.kill("SIGTERM"),
    request: graphqlShareRequest(origin, { authorization }),
    command: ["node", ...command.slice(1)].join(" "),
    env: configuration.env ?? {},
    proof,
  };
}

async function startYardstick(): Promise<Server> {
  // Compiled like dist/ (esbuild, file by file): no TypeScript loader in the measured process.
  const outfile = `${root}/dist-bench/plain-yoga.js`;
  await build({ entryPoints: [`${root}/scripts/bench/plain-yoga.ts`], outfile, format: "esm", platform: "node", target: "node20", logLevel: "warning" });
  const command = [process.execPath, "dist-bench/plain-yoga.js"];
  const env = { NODE_ENV: "production", HOST: "127.0.0.1", PORT: "0", UPSTREAM_URL: upstreamUrl };
  const started = await startProcess(pinned(0, command), root, applyOverrides(process.env, env), /plain-yoga: http:\/\/[^:]+:(\d+)\/graphql/);
  return {
    name: YARDSTICK,
    pid: started.pid,
    child: started.child,
    kill: () => started.child.kill("SIGTERM"),
    // The same request bytes as the gateway gets; the plain build ignores the token.
    request: graphqlShareRequest(`http://127.0.0.1:${started.match[1]}`, { authorization }),
    command: ["node", ...command.slice(1)].join(" "),
    env,
    proof: null,
  };
}

const gateways: Server[] = [];
for (const name of configurationNames) gateways.push(await startGateway(name));
const servers = SOAK ? gateways : [await startYardstick(), ...gateways];

console.log(`node ${process.version} (${process.execPath})`);
console.log(`pinning: ${canPin ? "servers under test on core 0, upstream and load generator on core 1 (taskset)" : "none (taskset or a second core is missing)"}`);
for (const s of servers) {
  const proof = s.proof ? `; production settings: no token -> HTTP ${s.proof.withoutTokenStatus}, a document over MAX_DEPTH -> HTTP ${s.proof.overMaxDepthStatus}` : "";
  console.log(`${s.name}: ${s.command}${proof}`);
}

async function measure(server: Server | null, connections: number, durationMs: number): Promise<Measured> {
  const request = server?.request ?? directRequest;
  const cpu0 = server ? cpuTimeUs(server.pid) : 0;
  const result = await runLoad({ ...request, connections, durationMs });
  return measured(result, server ? cpuTimeUs(server.pid) - cpu0 : null);
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : "-");
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  nodePath: process.execPath,
  pinned: canPin,
  quick: QUICK,
  upstream: "scripts/bench/upstream.ts (parses every body)",
  gatewayEnvironment: { ...PRODUCTION_ENV, JWT_SECRET: "(bench-only HS256 secret)", UPSTREAM_URL: upstreamUrl },
  contenders: servers.map(({ name, command, env, proof }) => ({ name, command, env, productionProof: proof })),
};
let failed = false;

if (SOAK) {
  const soaks: Record<string, unknown> = {};
  for (const gateway of gateways) {
    console.log(`soak (${gateway.name}): ${SOAK_REQUESTS.toLocaleString("en")} requests at 50 connections`);
    await measure(gateway, 10, WARM_UP_MS);
    const samples: { requests: number; rssMiB: number }[] = [];
    let total = 0;
    let errors = 0;
    while (total < SOAK_REQUESTS) {
      const r = await measure(gateway, 50, SOAK_WINDOW_MS);
      total += r.requests;
      errors += r.errors;
      samples.push({ requests: total, rssMiB: rssMiB(gateway.pid) });
      console.log(`  ${String(total).padStart(8)} requests  RSS ${fmt(rssMiB(gateway.pid), 1)} MiB  ${fmt(r.rps)} req/s  errors ${r.errors}`);
      if (r.firstError) console.log(`  first error: ${r.firstError}`);
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
      `soak (${gateway.name}): ${total} requests, ${errors} errors; RSS after warm-up: median ${fmt(mid, 1)} MiB, ` +
        `samples ${fmt(Math.min(...settled), 1)}-${fmt(Math.max(...settled), 1)} MiB (GC sawtooth), ` +
        `5-sample medians within ±${fmt(spread * 100, 1)}%, first/last quarter ${fmt(firstQuarter, 1)}/${fmt(lastQuarter, 1)} MiB: ` +
        `${spread <= 0.1 ? "flat (target ±10%)" : "NOT flat (target ±10%)"}`,
    );
    if (errors > 0) failed = true;
    soaks[gateway.name] = { total, errors, samples, settledMedianMiB: mid, windowMaxDeviation: spread, firstQuarter, lastQuarter };
  }
  Object.assign(results, { soak: soaks });
} else {
  console.log(`warm-up, then ${ROUNDS} interleaved rounds of ${SECONDS} s per connection count and contender${QUICK ? " (--quick: a smoke run, not figures)" : ""}`);
  for (const s of servers) await measure(s, 10, WARM_UP_MS);
  await measure(null, 10, WARM_UP_MS / 3);
  const rounds: Record<number, Record<string, Measured[]>> = {};
  for (const c of CONNECTIONS) rounds[c] = Object.fromEntries([DIRECT, ...servers.map((s) => s.name)].map((n) => [n, []]));
  const peaks: Record<string, number[]> = Object.fromEntries(servers.map((s) => [s.name, []]));
  // What the RSS was made of at the end of each 50-connection round (current values, not peaks).
  const splits: Record<string, { file: number; anonymous: number }[]> = Object.fromEntries(servers.map((s) => [s.name, []]));
  let peakIsWindowed = true;
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts with another contender, so none is always measured right after the same neighbour.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
    for (const c of CONNECTIONS) {
      rounds[c]![DIRECT]!.push(await measure(null, c, SECONDS * 1000));
      for (const s of order) {
        if (c === 50) peakIsWindowed = resetPeakRss(s.pid) && peakIsWindowed;
        rounds[c]![s.name]!.push(await measure(s, c, SECONDS * 1000));
        if (c === 50) {
          peaks[s.name]!.push(peakRssMiB(s.pid));
          splits[s.name]!.push(rssSplitMiB(s.pid));
        }
      }
    }
    process.stdout.write(`  round ${round + 1}/${ROUNDS} done\n`);
  }
  const summaries: Summaries = {};
  for (const c of CONNECTIONS) {
    const direct = rounds[c]![DIRECT]!;
    summaries[c] = Object.fromEntries(Object.entries(rounds[c]!).map(([name, ms]) => [name, summarize(ms, name === DIRECT ? null : direct)]));
  }
  const peakRssMiB50 = Object.fromEntries(Object.entries(peaks).map(([name, ps]) => [name, Math.max(...ps)]));
  const contenders = [DIRECT, ...servers.map((s) => s.name)];

  console.log("");
  console.log(`Node ${process.version}; medians of ${ROUNDS} interleaved rounds of ${SECONDS} s; "(r×)" = ÷ ${YARDSTICK} in the same run`);
  console.log(ratioTable(contenders, figures(CONNECTIONS, summaries, peakRssMiB50)));
  console.log(
    peakIsWindowed
      ? "peak RSS: the highest VmHWM over the 50-connection rounds, reset before each (clear_refs)"
      : "peak RSS: the process's lifetime VmHWM (the kernel refused a reset)",
  );
  const rssSplit = Object.fromEntries(
    Object.entries(splits).map(([name, ss]) => [name, { file: median(ss.map((x) => x.file)), anonymous: median(ss.map((x) => x.anonymous)) }]),
  );
  if (CONNECTIONS.includes(50)) {
    const parts = Object.entries(rssSplit).map(([name, x]) => `${name} ${fmt(x.file, 1)} + ${fmt(x.anonymous, 1)} MiB`);
    console.log(`RSS after the 50-connection rounds (medians), file-backed (the node binary's pages) + anonymous (heap, native): ${parts.join("; ")}`);
  }
  for (const c of CONNECTIONS) {
    for (const name of contenders) {
      const s = summaries[c]![name]!;
      if (s.errors > 0) {
        failed = true;
        console.log(`ERRORS: ${name} at ${c} conns: ${s.errors} of ${s.requests}; first: ${s.firstError}`);
      }
    }
  }
  if (ATTRIBUTE) {
    // One row at a time, beside a production twin started with it: a score of idle servers on the
    // measured core (each wakes for prom-client's event-loop monitor and its timers) would disturb
    // both, and a process minutes older than the row has a grown heap and a warmer JIT (measured:
    // a row started beside the long-running production looked up to 50% dearer in its first rounds).
    const pairs: AttributionPair[] = [];
    console.log("");
    console.log(
      `attribution: each configuration below started with a fresh ${PRODUCTION} twin, both warmed up alike, then ${ROUNDS} paired rounds of ${SECONDS} s at 10 conns`,
    );
    for (const [name, configuration] of Object.entries(ATTRIBUTION)) {
      const production = await startGateway(PRODUCTION);
      const row = await startGateway(name);
      for (let i = 0; i < 4; i++) await measure(i % 2 === 0 ? production : row, 10, WARM_UP_MS);
      for (let i = 0; i < 4; i++) await measure(i % 2 === 0 ? row : production, 10, WARM_UP_MS / 2);
      const pair: AttributionPair = { name, description: configuration.description, production: [], row: [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so neither always follows the other.
        for (const [s, into] of round % 2 === 0 ? ([[production, pair.production], [row, pair.row]] as const) : ([[row, pair.row], [production, pair.production]] as const)) {
          into.push(await measure(s, 10, SECONDS * 1000));
        }
      }
      await Promise.all(
        [production, row].map((server) => {
          const exited = new Promise((resolve) => server.child.once("exit", resolve));
          server.kill();
          return exited;
        }),
      );
      const errors = pair.row.reduce((n, m) => n + m.errors, 0);
      if (errors > 0) {
        failed = true;
        console.log(`ERRORS: ${name}: ${errors}; first: ${pair.row.find((m) => m.firstError)?.firstError}`);
      }
      pairs.push(pair);
      process.stdout.write(`  ${name} done\n`);
    }
    console.log("");
    console.log(`what each part costs at 10 conns (paired with ${PRODUCTION} round by round):`);
    console.log(attributionTable(pairs, summaries[10]![PRODUCTION]!.cpuUsPerRequest, summaries[10]![YARDSTICK]!.cpuUsPerRequest));
    Object.assign(results, { attribution: pairs });
  }
  for (const g of ATTRIBUTE ? [] : gateways) {
    console.log("");
    console.log(`targets for ${g.name} (issue 13, ratios to ${YARDSTICK}):`);
    for (const t of targets(g.name, summaries, peakRssMiB50, rounds)) console.log(`  ${t.met ? "✔" : "✘"} ${t.label}: ${t.detail}`);
  }
  Object.assign(results, { rounds: ROUNDS, seconds: SECONDS, connections: summaries, peakRssMiB50, peakRssWindowed: peakIsWindowed, rssSplit50: rssSplit, raw: { rounds, peaks, splits } });
}

mkdirSync(join(root, "bench-results"), { recursive: true });
const suffix = `${QUICK ? "-quick" : ""}${SOAK ? "-soak" : ""}${ATTRIBUTE ? "-attribute" : ""}`;
const file = join(root, "bench-results", `bench-${new Date().toISOString().replace(/[:.]/g, "-")}${suffix}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`results: ${file}`);
for (const s of servers) s.kill();
upstream.child.kill("SIGTERM");
process.exit(failed ? 1 : 0);
