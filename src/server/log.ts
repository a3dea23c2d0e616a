// JSON log lines. Whatever a line holds, anything shaped like a bearer token
// or a JWT is replaced before it is written: logs never carry credentials.
export type LogWriter = (line: string) => void;

export const stdoutLog: LogWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

const CREDENTIAL_SHAPES = [
  /\bBearer\s+[^\s",]+/gi,
  /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, // a JWS compact serialization
];

export function redact(text: string): string {
  return CREDENTIAL_SHAPES.reduce((out, shape) => out.replace(shape, "[redacted]"), text);
}

export function jsonLine(fields: Record<string, unknown>): string {
  return redact(JSON.stringify({ time: new Date().toISOString(), ...fields }));
}
