// JSON log lines. Whatever a line holds, anything shaped like a bearer token
// or a JWT is replaced before it is written: logs never carry credentials.
export type LogWriter = (line: string) => void;

// Lines are written once per event-loop turn: under load one write carries
// many lines instead of one synchronous pipe write per request.
let pending: string[] = [];
let scheduled = false;

export function flushLog(): void {
  scheduled = false;
  if (pending.length === 0) return;
  const out = `${pending.join("\n")}\n`;
  pending = [];
  process.stdout.write(out);
}

export const stdoutLog: LogWriter = (line) => {
  pending.push(line);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushLog);
  }
};

process.once("exit", flushLog);

const CREDENTIAL_SHAPES = [
  /\bBearer\s+[^\s",]+/gi,
  /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, // a JWS compact serialization
];

export function redact(text: string): string {
  return CREDENTIAL_SHAPES.reduce((out, shape) => out.replace(shape, "[redacted]"), text);
}

/** @param at when it happened (epoch ms), for a line built a little later */
export function jsonLine(fields: Record<string, unknown>, at: number = Date.now()): string {
  return redact(JSON.stringify({ time: new Date(at).toISOString(), ...fields }));
}
