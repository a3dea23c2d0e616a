// Records what a request executed, for its log line and metrics: operation
// names, root fields, each root field's result type (e.g. ThrottlingError,
// whether or not the client selected __typename) and top-level error codes.
import {
  getNamedType,
  getOperationAST,
  isUnionType,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { rootFieldNodes } from "../../schema/root-fields.js";
import { recordOf, type RequestRecord } from "../request-record.js";

const instrumented = new WeakSet<GraphQLObjectType>();

/** The result's type name; synchronous unless the union resolves types asynchronously. */
function typeNameOf(value: unknown, context: unknown, info: GraphQLResolveInfo): string | Promise<string> {
  const type = getNamedType(info.returnType);
  if (Array.isArray(value)) return `[${type.name}]`;
  if (isUnionType(type) && type.resolveType && value !== null && typeof value === "object") {
    try {
      const name = type.resolveType(value, context, info, type);
      if (typeof name === "string") return name;
      if (name instanceof Promise) return name.then((n) => (typeof n === "string" ? n : type.name), () => type.name);
    } catch {
      // graphql-js reports a value it cannot resolve; the record just keeps the union's name
    }
  }
  return type.name;
}

/** Wraps the root fields' resolvers once per schema (yoga has no per-field hook). */
function recordRootResultTypes(schema: GraphQLSchema): void {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root || instrumented.has(root)) continue;
    instrumented.add(root);
    for (const field of Object.values(root.getFields())) {
      const resolve = field.resolve;
      if (resolve === undefined) continue;
      // Not an async wrapper: that would add a promise and a turn to every root field.
      const recording: GraphQLFieldResolver<unknown, unknown> = (parent, args, context, info) => {
        const request = (context as { request?: Request }).request;
        const settle = (value: unknown): unknown => {
          if (!request) return value;
          const name = typeNameOf(value, context, info);
          if (typeof name === "string") {
            recordOf(request).resultTypes.push(name);
            return value;
          }
          return name.then((n) => {
            recordOf(request).resultTypes.push(n);
            return value;
          });
        };
        const value: unknown = resolve(parent, args, context, info);
        return value instanceof Promise ? value.then(settle) : settle(value);
      };
      field.resolve = recording;
    }
  }
}

interface OperationSummary {
  name: string | null;
  rootFields: string[];
}

/** Per document (yoga's parse cache hands out the same DocumentNode for the same text) and operation name. */
const summaries = new WeakMap<DocumentNode, Map<string, OperationSummary>>();

function summaryOf(document: DocumentNode, operationName: string | null | undefined): OperationSummary {
  let byName = summaries.get(document);
  if (byName === undefined) summaries.set(document, (byName = new Map()));
  const key = operationName ?? "";
  let summary = byName.get(key);
  if (summary === undefined) {
    const operation = getOperationAST(document, operationName);
    summary = { name: operation?.name?.value ?? null, rootFields: operation ? rootFieldNames(document, operation) : [] };
    // Only names the document defines are kept: a client's made-up names must not grow the map.
    if (operation !== null) byName.set(key, summary);
  }
  return summary;
}

function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  return rootFieldNodes(operation.selectionSet, (name) => fragments.get(name)).map((f) => f.name.value);
}

function recordErrors(record: RequestRecord, result: ExecutionResult): void {
  for (const error of result.errors ?? []) {
    const code = error.extensions?.code;
    record.errorCodes.push(typeof code === "string" ? code : "GRAPHQL_ERROR");
  }
}

export function useOperationRecord(schema: GraphQLSchema): Plugin {
  recordRootResultTypes(schema);
  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (!request) return;
      const record = recordOf(request);
      record.executed = true;
      const summary = summaryOf(args.document, args.operationName);
      record.operationNames.push(summary.name);
      for (const name of summary.rootFields) record.rootFields.add(name);
    },
    onResultProcess({ request, result }) {
      if (Symbol.asyncIterator in Object(result)) return;
      // Most results carry no error: nothing to record, and no array made to find that out.
      if (Array.isArray(result)) {
        for (const one of result as ExecutionResult[]) if (one.errors !== undefined) recordErrors(recordOf(request), one);
      } else if ((result as ExecutionResult).errors !== undefined) recordErrors(recordOf(request), result as ExecutionResult);
    },
  };
}
