// Work a request leaves for after its response has gone out (its log line,
// its metrics): queued, and run together once per event-loop turn, so a busy
// turn that answers many requests schedules one callback instead of one per
// request and hook.
import { jsonLine } from "./log.js";

type Task = () => void;

let queue: Task[] = [];
let scheduled = false;

function runQueued(): void {
  scheduled = false;
  const tasks = queue;
  queue = [];
  for (const task of tasks) {
    try {
      task();
    } catch (error) {
      // One failing task must not drop the others' lines or counts.
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${jsonLine({ level: "error", msg: "after-response task failed", error: detail })}\n`);
    }
  }
}

/** Runs `task` after the current turn's responses have been written (setImmediate, shared). */
export function afterResponse(task: Task): void {
  queue.push(task);
  if (!scheduled) {
    scheduled = true;
    setImmediate(runQueued);
  }
}
