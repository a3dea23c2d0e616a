// Files named by the configuration (trusted-document manifests, Cedar
// policies and entities) that operators change while the gateway runs. They
// are loaded at startup (a bad file stops startup), then read again on
// SIGHUP and when one of them changes; a valid new set replaces the old one,
// an invalid one is refused with a log line and the old set stays.
import { statSync } from "node:fs";
import { jsonLine } from "../server/log.js";

/** A file that cannot be used: the message names the file (and the entry) in one line. */
export class FileLoadError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export interface ReloadableOptions<T> {
  /** What the files hold, for log lines ("trusted documents", "share policy"). */
  what: string;
  files: readonly string[];
  /** Reads and checks every file; throws (a FileLoadError, ideally) when the set is unusable. */
  load: () => T;
  /** How often a file's modification is looked for; changes are picked up within twice this. */
  pollIntervalMs?: number;
  /** Where reload outcomes are written (default: stderr JSON lines). */
  log?: (line: string) => void;
  /** Called after a new set replaced the old one. */
  onReload?: (value: T) => void;
}

export interface Reloadable<T> {
  /** The set in force now. */
  readonly current: T;
  /** Reads the files again now; true when the new set replaced the old one. */
  reload(): boolean;
  /** Stops watching (files and SIGHUP). */
  close(): void;
}

const DEFAULT_POLL_MS = 1_000;

function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Loads the files once (throwing as `load` throws) and keeps them current. */
export function createReloadable<T>(options: ReloadableOptions<T>): Reloadable<T> {
  const log = options.log ?? stderrLog;
  // The baseline for change detection is taken before the first load, so a change made meanwhile is not missed.
  let seen = options.files.map(signature);
  let current = options.load();

  const reload = (trigger: string): boolean => {
    try {
      current = options.load();
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      log(jsonLine({ level: "error", msg: `${options.what}: reload refused, keeping the previous set`, trigger, problem }));
      return false;
    }
    log(jsonLine({ level: "info", msg: `${options.what}: reloaded`, trigger }));
    options.onReload?.(current);
    return true;
  };

  const onSignal = (): void => void reload("SIGHUP");
  process.on("SIGHUP", onSignal);

  // Polling by stat, not fs.watch: editors and config-map mounts replace a
  // file by rename, which fs.watch stops following.
  const poller = setInterval(() => {
    const now = options.files.map(signature);
    const changed = options.files.find((_, i) => now[i] !== seen[i]);
    if (changed === undefined) return;
    seen = now;
    reload(`change of ${changed}`);
  }, options.pollIntervalMs ?? DEFAULT_POLL_MS);
  poller.unref();

  return {
    get current() {
      return current;
    },
    reload: () => reload("call"),
    close() {
      process.off("SIGHUP", onSignal);
      clearInterval(poller);
    },
  };
}

/** What changes when a file is written or replaced ("" when it cannot be read). */
function signature(file: string): string {
  try {
    const s = statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return "";
  }
}

/** Whether a path names a readable regular file: for configuration checks before loading. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
