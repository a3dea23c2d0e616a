// GET /readiness: 200 when the upstream answered recently (upstream-probe.ts), else 503.
import { useReadinessCheck, type Plugin } from "graphql-yoga";
import type { UpstreamProbe } from "../upstream-probe.js";

export function useReadiness(probe: UpstreamProbe): Plugin {
  return useReadinessCheck({ endpoint: "/readiness", check: () => probe() });
}
