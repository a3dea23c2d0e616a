// npm run bench:profile [-- --seconds S] [-- --connections N] [-- --plain] [-- --node-flags="..."]
//
// Where the gateway's CPU goes: runs `npm start`'s command in the bench's
// production configuration under --cpu-prof (pinned to core 0, the upstream and
// the load on core 1), drives the bench's createWorkloadShare at N connections
// (default 10) for S seconds after a warm-up, profiles that window only (V8's
// sampling profiler started and stopped through profile-window.ts), and prints self time by owner (the project's folders, each
// package, Node's internals, GC) and the hottest functions. --plain profiles the
// plain yoga build instead. The .cpuprofile stays in bench-results/ for
// Chrome DevTools or speedscope. --node-flags="..." adds Node/V8 flags to the
// server's command (`--trace-deopt`, say, to see what V8 deoptimizes under load).
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { SignJWT } from "jose";
import { runLoad } from "./load.js";
import { pinned, pinSelf, startProcess } from "./processes.js";
import { graphqlShareRequest } from "./workload.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "12" },
    connections: { type: "string", default: "10" },
    plain: { type: "boolean", default: false },
    "node-flags": { type: "string", default: "" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const dir = join(root, "bench-results", `profile-${new Date().toISOString().replace(/[:.]/g, "-")}`);
mkdirSync(dir, { recursive: true });

const SECRET = "bench-only-secret-0123456789abcdef0123456789abcdef";
const token = await new SignJWT({ scope: "workload-shares:write workload-shares:read", groups: ["payments"] })
  .setProtectedHeader({ alg: "HS256" })
  .setIssuer("https://issuer.bench.local/")
  .setAudience("workload-share-gateway")
  .setSubject("bench")
  .setExpirationTime("2h")
  .sign(new TextEncoder().encode(SECRET));

pinSelf(1);
const upstream = await startProcess(pinned(1, [process.execPath, "--import", "tsx", "scripts/bench/upstream.ts"]), root, { ...process.env } as Record<string, string>, /^(\d+)\n/);
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  UPSTREAM_URL: `http://127.0.0.1:${upstream.match[1]}`,
  AUTH_MODE: "jwt",
  JWT_SECRET: SECRET,
  JWT_ISSUER: "https://issuer.bench.local/",
  JWT_AUDIENCE: "workload-share-gateway",
};
let command: string[];
let ready: RegExp;
const bundle = (name: string) =>
  build({ entryPoints: [`${root}/scripts/bench/${name}.ts`], outfile: `${root}/dist-bench/${name}.js`, format: "esm", platform: "node", target: "node20", logLevel: "warning" });
await bundle("profile-window");
const profileFile = join(dir, `${values.plain ? "plain-yoga" : "gateway"}.cpuprofile`);
env["PROFILE_WINDOW_FILE"] = profileFile;
const preload = [...values["node-flags"].split(/\s+/).filter(Boolean), "--import", "./dist-bench/profile-window.js"];
if (values.plain) {
  await bundle("plain-yoga");
  command = [process.execPath, ...preload, "dist-bench/plain-yoga.js"];
  ready = /plain-yoga: http:\/\/[^:]+:(\d+)\/graphql/;
} else {
  const { scripts } = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { scripts: { start: string } };
  const flags = scripts.start.split(/\s+/).filter((a) => a.startsWith("--"));
  command = [process.execPath, ...flags, ...preload, "dist/main.js"];
  ready = /gateway: http:\/\/[^:]+:(\d+)\/graphql/;
}
const server = await startProcess(pinned(0, command), root, env, ready);
const request = graphqlShareRequest(`http://127.0.0.1:${server.match[1]}`, { authorization: `Bearer ${token}` });
/** Sends SIGUSR2 to the server and waits for profile-window.ts to say `step`. */
async function profiler(step: "started" | "written"): Promise<void> {
  const said = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      if (chunk.toString().includes(`profile-window: ${step}`)) {
        server.child.stderr?.off("data", onData);
        resolve();
      }
    };
    server.child.stderr?.on("data", onData);
  });
  server.child.kill("SIGUSR2");
  await said;
}
const warmUp = await runLoad({ ...request, connections, durationMs: 3000 });
await profiler("started");
const result = await runLoad({ ...request, connections, durationMs: seconds * 1000 });
await profiler("written");
const requests = result.requests;
const exited = new Promise((resolve) => server.child.once("exit", resolve));
server.child.kill("SIGTERM");
await exited;
upstream.child.kill("SIGKILL");

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}
const profile = JSON.parse(readFileSync(profileFile, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** Who owns a frame: a folder of src/, a package, Node itself, or V8's own work. */
function owner(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === "") return functionName === "(garbage collector)" ? "(GC)" : functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/([^/]+(?:\/[^/]+)?)\//.exec(url) ?? /\/dist\/([^/]+)\.js/.exec(url) ?? /\/dist-bench\/([^/]+)/.exec(url);
  if (own) return `src/${own[1]}`;
  if (url.startsWith("node:")) return url;
  return url.slice(0, 60);
}
const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  total += us;
  byOwner.set(owner(node), (byOwner.get(owner(node)) ?? 0) + us);
  const name = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, "$1/")}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
}
const busy = total - (byOwner.get("(idle)") ?? 0);
// µs of self time per request of the measured window: compare runs by these.
const pct = (us: number): string => `${((us / busy) * 100).toFixed(1).padStart(5)}% ${(us / requests).toFixed(1).padStart(6)} µs/req`;
console.log(`${values.plain ? "plain yoga build" : "gateway (npm start)"}: ${requests} requests at ${connections} connections, ${warmUp.errors + result.errors} errors; profile ${profileFile}`);
console.log(`busy ${(busy / requests).toFixed(1)} µs/request; self time by owner:`);
for (const [name, us] of [...byOwner].filter(([n]) => n !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(us)}  ${name}`);
console.log(`hottest functions:`);
for (const [name, us] of [...byFunction].filter(([n]) => !n.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${pct(us)}  ${name}`);
process.exit(0);
