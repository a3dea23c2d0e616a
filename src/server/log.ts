// JSON log lines. Whatever a line holds, anything shaped like a bearer token
// or a JWT is replaced before it is written: logs never carry credentials.
export type LogWriter = (line: string) => void;

/**
 * A writer that sends its lines once per event-loop turn: under load one
 * write carries many lines instead of one synchronous write per request.
 * `write` gets whole lines (newline-terminated); what is pending is written
 * on exit too.
 */
export function batchedWriter(write: (text: string) => void): LogWriter & { flush(): void } {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const out = `${pending.join("\n")}\n`;
    pending = [];
    write(out);
  };
  const writer = (line: string): void => {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
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

/** @param at when it happened (epoch ms), for a line built a little later */
export function jsonLine(fields: Record<string, unknown>, at: number = Date.now()): string {
  return redact(JSON.stringify({ time: new Date(at).toISOString(), ...fields }));
}
