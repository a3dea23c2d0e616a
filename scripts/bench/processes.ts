// Starting the bench's processes, each pinned to a core with taskset when the
// machine has it and two cores: servers under test on core 0, the upstream
// and the load generator (this process) on core 1.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpus } from "node:os";

export const canPin = spawnSync("taskset", ["--version"]).status === 0 && cpus().length >= 2;

export function pinned(core: number, command: string[]): string[] {
  return canPin ? ["taskset", "-c", String(core), ...command] : command;
}

/** Moves this process (the load generator) to `core`. */
export function pinSelf(core: number): void {
  if (canPin) spawnSync("taskset", ["-p", "-c", String(core), String(process.pid)], { stdio: "ignore" });
}

const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

export interface Started {
  child: ChildProcess;
  pid: number;
  match: RegExpExecArray;
}

/** Spawns `command` in `cwd` and resolves once its stdout matches `ready`; rejects with its output if it exits first. */
export function startProcess(command: string[], cwd: string, env: Record<string, string>, ready: RegExp): Promise<Started> {
  const [file, ...rest] = command;
  // taskset execs the command, so the child's PID is the measured process's.
  const child = spawn(file!, rest, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = ready.exec(seen);
      if (match) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve({ child, pid: child.pid!, match });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (seen += c.toString()));
    child.once("exit", (code) => reject(new Error(`${command.join(" ")} exited with ${code}:\n${seen}`)));
  });
}
