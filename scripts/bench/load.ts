// A closed-loop load generator: `connections` loops over a keep-alive undici
// pool, each timing every response at nanosecond resolution and checking its
// body, so an error is any non-2xx or any unexpected body.
import { Pool } from "undici";

export interface LoadOptions {
  url: string;
  path: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationMs: number;
  /** True when the response body is the expected success. */
  check: (status: number, body: string) => boolean;
}

export interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  latenciesUs: Float64Array;
  firstError: string | null;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const deadline = started + options.durationMs;
  async function loop(): Promise<void> {
    while (performance.now() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        const response = await pool.request({ path: options.path, method: options.method, headers: options.headers, body: options.body });
        const text = await response.body.text();
        latencies.push(Number(process.hrtime.bigint() - t0) / 1000);
        if (!options.check(response.statusCode, text)) {
          errors++;
          firstError ??= `${response.statusCode} ${text.slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
    }
  }
  await Promise.all(Array.from({ length: options.connections }, loop));
  const elapsedMs = performance.now() - started;
  await pool.close();
  return { requests: latencies.length, errors, elapsedMs, latenciesUs: Float64Array.from(latencies), firstError };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}
