// JSON log lines. Whatever a line holds, anything shaped like a bearer token
// or a JWT is replaced before it is written: logs never carry credentials.
export type LogWriter = (line: string) => void;

/** How long a line may wait for others to share its write. */
const BATCH_DELAY_MS = 20;
/** A batch this large is written at once. */
const BATCH_MAX_BYTES = 64 * 1024;

/**
 * A writer that sends its lines in batches: a line waits at most 20 ms (or
 * until 64 KiB are pending) for others to share its write, so under load one
 * write (one system call) carries many requests' lines instead of one each.
 * `write` gets whole lines (newline-terminated); what is pending is written
 * on exit too, and by `flush()`.
 */
export function batchedWriter(write: (text: string) => void): LogWriter & { flush(): void } {
  let pending: string[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (pending.length === 0) return;
    const out = `${pending.join("\n")}\n`;
    pending = [];
    bytes = 0;
    write(out);
  };
  const writer = (line: string): void => {
    pending.push(line);
    bytes += line.length + 1;
    if (bytes >= BATCH_MAX_BYTES) flush();
    else if (timer === null) {
      timer = setTimeout(flush, BATCH_DELAY_MS);
      // Pending lines never keep the process alive; the exit handler writes them.
      timer.unref();
    }
  };
  process.once("exit", flush);
  return Object.assign(writer, { flush });
}

const stdout = batchedWriter((text) => process.stdout.write(text));

/** The request log (and anything else that goes to stdout, in the same batches). */
export const stdoutLog: LogWriter = stdout;

export const flushLog = stdout.flush;

// A bearer credential, or a JWS compact serialization wherever it appears.
const CREDENTIAL_SHAPES = /\b[Bb][Ee][Aa][Rr][Ee][Rr]\s+[^\s",]+|\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

export function redact(text: string): string {
  // One pass over the line; most lines hold nothing to replace.
  return text.replace(CREDENTIAL_SHAPES, "[redacted]");
}

/** The second the last line was written in, and its ISO 8601 text up to the milliseconds ("2026-12-02T14:36:48."). */
let lastSecond = Number.NaN;
let lastSecondText = "";

/** `new Date(at).toISOString()`, formatting the date only once per second (every line of a busy second shares it). */
export function isoTime(at: number): string {
  const ms = Math.floor(at);
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const text = new Date(second * 1000).toISOString();
    if (!text.endsWith(".000Z")) return new Date(ms).toISOString();
    lastSecond = second;
    lastSecondText = text.slice(0, -4);
  }
  const milli = ms - second * 1000;
  return `${lastSecondText}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
}

/** @param at when it happened (epoch ms), for a line built a little later */
export function jsonLine(fields: Record<string, unknown>, at: number = Date.now()): string {
  // The fields' own serialization after the time, with no copy of the fields object.
  const rest = JSON.stringify(fields);
  return redact(`{"time":"${isoTime(at)}"${rest.length > 2 ? `,${rest.slice(1)}` : "}"}`);
}
