// The request's spans: a SERVER span for each HTTP request to the GraphQL
// endpoint (the child of a valid incoming traceparent, else a new trace) and
// one span per executed GraphQL operation under it, whose context parents the
// CLIENT span of every upstream attempt the operation's resolvers make.
// Attributes come from an allow-list: method, path, status, operation type and
// name. Never the document, variables, query string, headers or any token.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import { getOperationAST, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GatewayContext } from "../schema/context.js";
import type { Tracing } from "./tracing.js";
import { traceUpstreamAttempts, upstreamEndpoint } from "./upstream-attempts.js";

/** Operation names are the client's own words: bounded, like the request log's. */
const clip = (text: string): string => (text.length > 100 ? text.slice(0, 100) : text);

export function useTracing(tracing: Tracing, upstreamOrigin: string, graphqlPath: string): Plugin {
  const serverSpans = new WeakMap<Request, Span>();
  const upstream = upstreamEndpoint(upstreamOrigin);
  const { tracer } = tracing;
  return {
    onRequest({ request, url }) {
      if (url.pathname !== graphqlPath) return;
      const span = tracer.startSpan(
        `${request.method} ${graphqlPath}`,
        {
          kind: SpanKind.SERVER,
          attributes: { "http.request.method": request.method, "url.path": url.pathname, "url.scheme": url.protocol.replace(":", ""), "http.route": graphqlPath },
        },
        tracing.extract(request.headers),
      );
      serverSpans.set(request, span);
    },
    onExecute({ args }) {
      const context = args.contextValue as Partial<GatewayContext> & { request?: Request };
      const server = context.request === undefined ? undefined : serverSpans.get(context.request);
      if (server === undefined) return;
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? "query";
      const name = operation?.name?.value;
      const attributes: Attributes = { "graphql.operation.type": type };
      if (name !== undefined) attributes["graphql.operation.name"] = clip(name);
      const span = tracer.startSpan(name === undefined ? type : `${type} ${clip(name)}`, { kind: SpanKind.INTERNAL, attributes }, trace.setSpan(ROOT_CONTEXT, server));
      // The resolvers' upstream calls (and the share-list loader) read this CallOptions object.
      if (context.callOptions) context.callOptions.traceAttempt = traceUpstreamAttempts(tracing, trace.setSpan(ROOT_CONTEXT, span), upstream);
      return {
        onExecuteDone({ result }) {
          const results = Symbol.asyncIterator in Object(result) ? [] : ([result].flat() as ExecutionResult[]);
          // Top-level errors mark the span; their messages may quote variables, so they stay out of it.
          if (results.some((one) => (one.errors?.length ?? 0) > 0)) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
    onResponse({ request, response }) {
      const span = serverSpans.get(request);
      if (span === undefined) return;
      serverSpans.delete(request);
      span.setAttribute("http.response.status_code", response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
