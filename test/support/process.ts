// The real gateway process (node --import tsx src/main.ts), as operators run
// it: for tests of signals, logs and metrics, which in-process servers cannot
// prove. Killed by PID in `stop`; every child is listed for afterAll.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  origin: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

export async function startGatewayProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> {
  const started = await startNodeProcess(["--import", "tsx", "src/main.ts"], env, /gateway: http:\/\/localhost:(\d+)\/graphql/, timeoutMs);
  const origin = `http://127.0.0.1:${started.match[1] ?? ""}`;
  return { ...started, url: `${origin}/graphql`, origin };
}

export interface NodeProcess {
  child: ChildProcess;
  /** The ready line's match. */
  match: RegExpExecArray;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

/** FAST_PATH and COMPILE_AFTER as the test project runs with them (vitest.config.ts), for a child's environment. */
export function testProjectSwitches(): Record<string, string> {
  const switches: Record<string, string> = {};
  for (const name of ["FAST_PATH", "COMPILE_AFTER"]) {
    const value = process.env[name];
    if (value !== undefined) switches[name] = value;
  }
  return switches;
}

/** `node <args>` in the project root with only the given environment (plus PATH, HOME, PORT=0, HOST=127.0.0.1). */
function spawnNode(args: string[], env: Record<string, string>) {
  const output = { stdout: "", stderr: "" };
  const child = spawn(process.execPath, args, {
    cwd: root,
    // The test project's switches reach the child too: the yoga-pipeline project runs these processes without the fast path.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", HOST: "127.0.0.1", ...testProjectSwitches(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c: Buffer) => (output.stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output, exited };
}

/** `node <args>` in the project root; resolves once stdout matches `ready`. */
export async function startNodeProcess(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 30_000): Promise<NodeProcess> {
  const { child, output, exited } = spawnNode(args, env);
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(" ")} did not start:\n${output.stdout}\n${output.stderr}`)), timeoutMs);
    const poll = setInterval(() => {
      const found = ready.exec(output.stdout);
      if (found) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(found);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited with ${code}:\n${output.stdout}\n${output.stderr}`));
    });
  });
  return {
    child,
    match,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** The JSON lines the process wrote to stdout (its request log). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export interface FinishedProcess {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the gateway process to its exit, for start-ups it must refuse (SIGKILL after `timeoutMs`). */
export async function runGatewayProcessToExit(env: Record<string, string>, timeoutMs = 30_000): Promise<FinishedProcess> {
  const { child, output, exited } = spawnNode(["--import", "tsx", "src/main.ts"], env);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  // "close", not "exit": every byte the process wrote has been read by then.
  const code = await new Promise<number | null>((resolve) => child.once("close", (c) => resolve(c)));
  void exited;
  clearTimeout(timer);
  return { code, ...output };
}
