// The `upstream_up` gauge: did the last request to the upstream base URL get
// any HTTP answer (a 503 too) within 2 s? Probed in the background, at start
// and then at most every 10 s, never on a request's path; the timer is
// unref'd and `stop()` ends it on shutdown. Readiness does not follow it.
export interface UpstreamProbeOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export interface UpstreamProbe {
  /** The last probe's answer; false until the first one came back. */
  readonly up: boolean;
  stop(): void;
}

export const PROBE_TIMEOUT_MS = 2_000;
export const PROBE_INTERVAL_MS = 10_000;

export function startUpstreamProbe(baseUrl: string, onResult: (up: boolean) => void, options: UpstreamProbeOptions = {}): UpstreamProbe {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? PROBE_INTERVAL_MS;
  let up = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const stopping = new AbortController();

  async function probeOnce(): Promise<boolean> {
    try {
      const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]);
      const response = await fetch(baseUrl, { method: "GET", redirect: "manual", signal });
      await response.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }

  function run(): void {
    timer = null;
    void probeOnce().then((answered) => {
      if (stopped) return;
      up = answered;
      onResult(answered);
      // The next probe starts an interval after this one ended: never more often than every intervalMs.
      timer = setTimeout(run, intervalMs);
      timer.unref();
    });
  }
  run();

  return {
    get up() {
      return up;
    },
    stop() {
      stopped = true;
      stopping.abort();
      if (timer !== null) clearTimeout(timer);
    },
  };
}
