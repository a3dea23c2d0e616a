// The standard OTEL_* variables, read into one typed TracingSettings (or null:
// tracing off). Parsed here rather than left to the SDK, which ignores a bad
// value with a diagnostic nobody sees: a bad value is a problem naming the
// variable, and src/config.ts turns it into a ConfigError. As the OpenTelemetry
// specification says, each OTEL_EXPORTER_OTLP_TRACES_* variable wins over its
// general OTEL_EXPORTER_OTLP_* counterpart.

export type OtlpProtocol = "http/protobuf" | "http/json";

export const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export interface BatchSettings {
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
}

export interface TracingSettings {
  /** Full URL of the OTLP/HTTP traces endpoint. */
  endpoint: string;
  protocol: OtlpProtocol;
  /** Sent with every export (may hold a collector's API key: never printed). */
  headers: Record<string, string>;
  /** Deadline of one export request. */
  timeoutMs: number;
  serviceName: string;
  sampler: { name: SamplerName; ratio: number };
  batch: BatchSettings;
}

export type TracingSettingsResult =
  | { ok: true; settings: TracingSettings | null }
  | { ok: false; variable: string; problem: string };

export const DEFAULT_SERVICE_NAME = "workload-share-gateway";

type Env = Record<string, string | undefined>;

class Invalid {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {}
}

function read(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
}

/** The traces-specific variable when set, else the general one. */
function either(env: Env, general: string): { name: string; value: string | undefined } {
  const specific = general.replace("OTEL_EXPORTER_OTLP_", "OTEL_EXPORTER_OTLP_TRACES_");
  const value = read(env, specific);
  return value !== undefined ? { name: specific, value } : { name: general, value: read(env, general) };
}

function endpointUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Invalid(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Invalid(name, "must use http or https (OTLP over HTTP)");
  if (url.username !== "" || url.password !== "") throw new Invalid(name, "must not carry credentials (use OTEL_EXPORTER_OTLP_HEADERS)");
  return url;
}

function endpoint(env: Env): string | null {
  const traces = read(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (traces !== undefined) return endpointUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces).toString();
  const base = read(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  if (base === undefined) return null;
  const url = endpointUrl("OTEL_EXPORTER_OTLP_ENDPOINT", base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/v1/traces`;
  return url.toString();
}

function protocol(env: Env): OtlpProtocol {
  const { name, value } = either(env, "OTEL_EXPORTER_OTLP_PROTOCOL");
  if (value === undefined || value === "http/protobuf") return "http/protobuf";
  if (value === "http/json") return "http/json";
  if (value === "grpc") throw new Invalid(name, "grpc is not supported here; use http/protobuf or http/json");
  throw new Invalid(name, `must be http/protobuf or http/json, got "${value}"`);
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `k=v,k2=v2` with percent-encoded values. Values are never echoed: they are often API keys. */
function headerList(name: string, raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (raw === undefined) return headers;
  for (const [index, entry] of raw.split(",").entries()) {
    if (entry.trim() === "") continue;
    const equals = entry.indexOf("=");
    const key = (equals < 0 ? entry : entry.slice(0, equals)).trim();
    if (equals < 0 || !HEADER_NAME.test(key)) {
      throw new Invalid(name, `entry ${index + 1} is not key=value with a valid header name (the format is k=v,k2=v2)`);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      throw new Invalid(name, `the value of "${key}" is not valid percent-encoding`);
    }
    if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(decoded)) throw new Invalid(name, `the value of "${key}" has characters a header cannot carry`);
    headers[key.toLowerCase()] = decoded;
  }
  return headers;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new Invalid(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new Invalid(name, `must be from ${min} to ${max}, got ${n}`);
  return n;
}

function sampler(env: Env): TracingSettings["sampler"] {
  const raw = read(env, "OTEL_TRACES_SAMPLER") ?? "parentbased_always_on";
  if (!(SAMPLERS as readonly string[]).includes(raw)) {
    throw new Invalid("OTEL_TRACES_SAMPLER", `must be one of ${SAMPLERS.join(", ")}, got "${raw}"`);
  }
  const name = raw as SamplerName;
  const arg = read(env, "OTEL_TRACES_SAMPLER_ARG");
  if (!name.endsWith("traceidratio") || arg === undefined) return { name, ratio: 1 };
  const ratio = /^(\d+(\.\d*)?|\.\d+)$/.test(arg) ? Number(arg) : NaN;
  if (!(ratio >= 0 && ratio <= 1)) throw new Invalid("OTEL_TRACES_SAMPLER_ARG", `must be a probability from 0 to 1, got "${arg}"`);
  return { name, ratio };
}

function batch(env: Env): BatchSettings {
  const settings: BatchSettings = {
    scheduledDelayMillis: integer(env, "OTEL_BSP_SCHEDULE_DELAY", 5000, 0, 3_600_000),
    exportTimeoutMillis: integer(env, "OTEL_BSP_EXPORT_TIMEOUT", 30_000, 1, 3_600_000),
    maxQueueSize: integer(env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1, 1_000_000),
    maxExportBatchSize: integer(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1, 1_000_000),
  };
  if (settings.maxExportBatchSize > settings.maxQueueSize) {
    throw new Invalid("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", `must not exceed OTEL_BSP_MAX_QUEUE_SIZE (${settings.maxQueueSize})`);
  }
  return settings;
}

export function readTracingSettings(env: Env): TracingSettingsResult {
  try {
    if (read(env, "OTEL_SDK_DISABLED")?.toLowerCase() === "true") return { ok: true, settings: null };
    const url = endpoint(env);
    if (url === null) return { ok: true, settings: null };
    const timeout = either(env, "OTEL_EXPORTER_OTLP_TIMEOUT");
    return {
      ok: true,
      settings: {
        endpoint: url,
        protocol: protocol(env),
        headers: {
          ...headerList("OTEL_EXPORTER_OTLP_HEADERS", read(env, "OTEL_EXPORTER_OTLP_HEADERS")),
          ...headerList("OTEL_EXPORTER_OTLP_TRACES_HEADERS", read(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS")),
        },
        timeoutMs: integer({ [timeout.name]: timeout.value }, timeout.name, 10_000, 1, 600_000),
        serviceName: read(env, "OTEL_SERVICE_NAME") ?? DEFAULT_SERVICE_NAME,
        sampler: sampler(env),
        batch: batch(env),
      },
    };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, variable: error.variable, problem: error.problem };
    throw error;
  }
}
