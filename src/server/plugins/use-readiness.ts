// GET /readiness: 200 while the gateway serves. It does not follow the upstream
// (an outage shared by every replica must not take them all out of the load
// balancer; upstream reachability is the `upstream_up` gauge). Once the drain
// begins, http-server.ts answers every request, this one included, with 503.
// A plain pathname comparison: yoga's useReadinessCheck matches a URLPattern on every request.
import type { Plugin } from "graphql-yoga";

export const READINESS_PATH = "/readiness";

export function useReadiness(): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== READINESS_PATH) return;
      endResponse(new fetchAPI.Response(null, { status: 200 }));
    },
  };
}
