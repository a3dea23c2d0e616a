// GET /readiness: 200 when the upstream answered recently (upstream-probe.ts), else 503.
// A plain pathname comparison: yoga's useReadinessCheck matches a URLPattern on every request.
import type { Plugin } from "graphql-yoga";
import type { UpstreamProbe } from "../upstream-probe.js";

export const READINESS_PATH = "/readiness";

export function useReadiness(probe: UpstreamProbe): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== READINESS_PATH) return;
      return probe().then(
        (ready) => endResponse(new fetchAPI.Response(null, { status: ready ? 200 : 503 })),
        () => endResponse(new fetchAPI.Response(null, { status: 503 })),
      );
    },
  };
}
