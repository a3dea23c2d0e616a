// Reads a process's CPU time and memory from /proc (Linux).
import { readFileSync, writeFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

/** user + system CPU time of `pid` in microseconds. */
export function cpuTimeUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / TICKS_PER_SECOND;
}

function statusKiB(pid: number, key: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) : NaN;
}

export function rssMiB(pid: number): number {
  return statusKiB(pid, "VmRSS") / 1024;
}

/**
 * RSS by what backs it: `file`, pages mapped from files (above all the node
 * binary itself, the same for every contender on one Node), and `anonymous`,
 * what the process allocated (V8's heap, native memory, stacks).
 */
export function rssSplitMiB(pid: number): { file: number; anonymous: number } {
  return { file: statusKiB(pid, "RssFile") / 1024, anonymous: statusKiB(pid, "RssAnon") / 1024 };
}

export function peakRssMiB(pid: number): number {
  return statusKiB(pid, "VmHWM") / 1024;
}

/** Resets the peak RSS (VmHWM) to the current RSS; false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}
