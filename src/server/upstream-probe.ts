// Readiness: did a request to the upstream base URL get any HTTP answer
// within 2 s? Checked at most every 10 s; callers in between get the last
// answer, and concurrent callers share one check.
export interface ProbeOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export type UpstreamProbe = () => Promise<boolean>;

export function createUpstreamProbe(baseUrl: string, options: ProbeOptions = {}): UpstreamProbe {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const intervalMs = options.intervalMs ?? 10_000;
  let last: { at: number; ready: boolean } | null = null;
  let running: Promise<boolean> | null = null;

  async function check(): Promise<boolean> {
    try {
      const response = await fetch(baseUrl, { method: "GET", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }

  return async () => {
    if (last !== null && Date.now() - last.at < intervalMs) return last.ready;
    running ??= check().then((ready) => {
      last = { at: Date.now(), ready };
      running = null;
      return ready;
    });
    return running;
  };
}
