// Prometheus: GET /metrics serves the registry; every GraphQL request is
// counted in flight while served and by operation and result when answered.
import type { Plugin } from "graphql-yoga";
import { operationLabel, requestResult, type GatewayMetrics } from "../metrics.js";
import { afterResponse } from "../after-response.js";
import { recordOf } from "../request-record.js";

export function useMetrics(metrics: GatewayMetrics, graphqlEndpoint: string): Plugin {
  return {
    // Not async: only /metrics waits for the registry; an async hook would make
    // every request's later hooks asynchronous too.
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname === "/metrics" && request.method === "GET") {
        return metrics.registry.metrics().then((text) =>
          endResponse(new fetchAPI.Response(text, { headers: { "content-type": metrics.registry.contentType } })),
        );
      }
      if (url.pathname === graphqlEndpoint && request.method !== "OPTIONS") {
        recordOf(request).countedInFlight = true;
        metrics.inFlight.inc();
      }
    },
    onResponse({ request, response }) {
      const record = recordOf(request);
      if (!record.countedInFlight) return;
      record.countedInFlight = false;
      const status = response.status;
      // Counted right after the response has gone out, off the request's latency.
      afterResponse(() => {
        metrics.inFlight.dec();
        metrics.requests.inc({ operation: operationLabel(record), result: requestResult(status, record) });
      });
    },
  };
}
