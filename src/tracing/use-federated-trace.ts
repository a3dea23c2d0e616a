// Apollo federated tracing (ftv1): a request with the header
// `apollo-federation-include-trace: ftv1` (sent by Apollo routers and
// @apollo/gateway when they record a trace) gets the base64 Apollo trace of its
// execution in `extensions.ftv1`; every other request is left alone.
// Errors appear in the trace as `<masked>`, as Apollo Server's own subgraph
// default does: their messages and extensions can carry what a client sent.
//
// The plugin times fields by wrapping every resolver of the schema
// (@envelop/on-resolve), which costs each field of every request a hook call,
// header or not. Here each wrapped resolver first asks whether its request
// asked for a trace (a WeakSet lookup) and otherwise calls the resolver it
// wrapped directly.
import { useApolloInlineTrace } from "@graphql-yoga/plugin-apollo-inline-trace";
import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import type { Plugin } from "graphql-yoga";

export const FEDERATED_TRACE_HEADER = "apollo-federation-include-trace";

/** Whether a request asked for its federated trace (`apollo-federation-include-trace: ftv1`). */
export function asksForFederatedTrace(request: Pick<Request, "headers"> | undefined): boolean {
  return request !== undefined && request.headers.get(FEDERATED_TRACE_HEADER) === "ftv1";
}

type Resolver = GraphQLFieldResolver<unknown, { request?: Request }>;
type SchemaChangeHook = NonNullable<Plugin["onSchemaChange"]>;

function fieldsOf(schema: GraphQLSchema) {
  return Object.values(schema.getTypeMap()).flatMap((type) => (isObjectType(type) ? Object.values(type.getFields()) : []));
}

/**
 * A plugin the trace plugin adds (and, through their onPluginInit, the plugins
 * those add: the resolver-wrapping one is two levels down), made to wrap
 * resolvers only for traced requests. Every other request calls the resolver
 * the wrapper replaced.
 */
function onlyWhenTraced(plugin: Plugin, traced: WeakSet<Request>): Plugin {
  const { onSchemaChange: wrapSchema, onPluginInit } = plugin;
  const guarded: Plugin = { ...plugin };
  if (onPluginInit !== undefined) {
    guarded.onPluginInit = (payload) =>
      onPluginInit({ ...payload, addPlugin: (child) => payload.addPlugin(onlyWhenTraced(child as Plugin, traced)) });
  }
  if (wrapSchema === undefined) return guarded;
  const onSchemaChange: SchemaChangeHook = (payload) => {
    const fields = fieldsOf(payload.schema);
    const before = new Map(fields.map((field) => [field, (field.resolve ?? defaultFieldResolver) as Resolver]));
    wrapSchema(payload);
    for (const field of fields) {
      const plain = before.get(field);
      const wrapped = field.resolve as Resolver | undefined;
      if (plain === undefined || wrapped === undefined || wrapped === plain) continue;
      const tracedOnly: Resolver = (parent, args, context, info) =>
        context.request !== undefined && traced.has(context.request) ? wrapped(parent, args, context, info) : plain(parent, args, context, info);
      field.resolve = tracedOnly as typeof field.resolve;
    }
  };
  guarded.onSchemaChange = onSchemaChange;
  return guarded;
}

export function useFederatedTrace(): Plugin {
  const traced = new WeakSet<Request>();
  const inline = useApolloInlineTrace({
    ignoreRequest: (request) => !asksForFederatedTrace(request),
    rewriteError: () => new GraphQLError("<masked>", { extensions: { maskedBy: "workload-share-gateway" } }),
  }) as Plugin;
  const guarded = onlyWhenTraced(inline, traced);
  const { onRequest } = guarded;
  return {
    ...guarded,
    onRequest(payload) {
      if (asksForFederatedTrace(payload.request)) traced.add(payload.request);
      return onRequest?.(payload);
    },
  };
}
