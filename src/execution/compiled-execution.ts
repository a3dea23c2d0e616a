// Execution of the documents a gateway sees again and again, compiled once.
// graphql-jit turns one operation of a validated document into a JavaScript
// function with its variables' coercion, field collection and result
// completion worked out ahead; yoga's executor (@graphql-tools/executor) walks
// the document for every request. Everything else stays yoga's executor:
//   - a document runs compiled only from its COMPILE_AFTER-th execution on (as
//     the same parsed DocumentNode, which yoga's parse cache and the fast path's
//     ValidDocuments hand out for a text seen before), so a client sending ever
//     new documents never makes the gateway compile anything (Mercurius' `jit`
//     option works the same way);
//   - a subscription, a document with @defer or @stream, an execution with its
//     own root value or resolvers, and a document graphql-jit cannot compile go
//     to yoga's executor;
//   - a request error (variables that do not coerce: an answer without `data`,
//     given before any resolver ran) is answered again by yoga's executor, so
//     clients get its very messages, locations and codes.
// What compiling may cost is bounded: at most MAX_COMPILED queries are kept (a
// compiled query holds ~35 KiB and up; the oldest goes first), and compiling
// spends at most COMPILE_MS_PER_SECOND of each second (one compilation takes
// milliseconds, more for a larger document; beyond that a document waits on
// yoga's executor for its turn), so a client that sends each of many
// documents COMPILE_AFTER times buys neither memory nor much CPU.
import { normalizedExecutor } from "@graphql-tools/executor";
import {
  defaultTypeResolver,
  isAbstractType,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLAbstractType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

type Executed = ReturnType<typeof normalizedExecutor>;
export type Execute = (args: ExecutionArgs) => Executed;

/** Compiled queries kept at once. */
export const MAX_COMPILED = 200;
/** Milliseconds of each second compiling may take at most (a compilation that starts within it runs to its end). */
export const COMPILE_MS_PER_SECOND = 50;

/** How many executions went each way since start (for tests and probes). */
export interface CompiledExecutionCounts {
  /** Queries compiled (one per document and operation name). */
  compiled: number;
  /** Compiled queries dropped to keep MAX_COMPILED. */
  dropped: number;
  /** Executions that would have compiled but ran on yoga's executor, the second's compile time spent. */
  postponed: number;
  /** Executions run compiled. */
  runs: number;
  /** Compiled runs whose request error was answered again by yoga's executor. */
  requestErrors: number;
}

export interface CompiledExecutionOptions {
  /**
   * Whether an execution's resolvers must get the request's very context
   * object, not a copy (see ownCopy): a plugin keys per-execution state by it.
   */
  needsOwnContext?: (contextValue: unknown) => boolean;
  /** Default MAX_COMPILED. */
  maxCompiled?: number;
  /** Default COMPILE_MS_PER_SECOND. */
  compileMsPerSecond?: number;
  /** The clock, in milliseconds, compile time is counted by (default performance.now). */
  now?: () => number;
}

export interface CompiledExecution {
  readonly execute: Execute;
  readonly counts: CompiledExecutionCounts;
}

interface DocumentState {
  schema: GraphQLSchema;
  /** Executions so far, until compiled. */
  seen: number;
  /** By operation name ("" for none): the compiled query, or null when it is not to be compiled. */
  compiled: Map<string, CompiledQuery | null>;
}

const INCREMENTAL = /@(?:defer|stream)\b/;

/** A value to wait for (a promise or any thenable), as opposed to one at hand. */
export const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/**
 * The type resolver graphql-jit gets for an abstract type. graphql-jit calls it
 * with (value, context, info) only, where graphql-js (and Pothos' unions) also
 * pass the abstract type, and it completes the value synchronously: a resolver
 * that throws would escape graphql-jit's answer (an unhandled rejection when
 * the field's value came from a promise). Here a throw, or a name that is not
 * yet known (a promise), answers "no type", which graphql-jit reports as that
 * field's error. This schema's abstract types resolve synchronously (Pothos
 * unions of classes, each with an `instanceof` isTypeOf).
 */
function jitTypeResolver(type: GraphQLAbstractType): GraphQLTypeResolver<unknown, unknown> {
  const resolveType = type.resolveType ?? defaultTypeResolver;
  return (value, context, info) => {
    try {
      const name = resolveType(value, context, info, type);
      if (!isPromise(name)) return name;
      name.then(undefined, () => undefined);
      return undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * graphql-jit reads each abstract type's resolveType while it compiles; the
 * schema's own are put back before anything else runs (compiling is
 * synchronous), so yoga's executor never sees the ones made for graphql-jit.
 */
function withJitTypeResolvers<T>(schema: GraphQLSchema, compile: () => T): T {
  const abstractTypes = Object.values(schema.getTypeMap()).filter(isAbstractType);
  const own = abstractTypes.map((type) => type.resolveType);
  abstractTypes.forEach((type) => (type.resolveType = jitTypeResolver(type)));
  try {
    return compile();
  } finally {
    abstractTypes.forEach((type, i) => (type.resolveType = own[i]));
  }
}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
  const source = document.loc?.source.body;
  if (source === undefined || INCREMENTAL.test(source)) return null;
  try {
    const compiled = withJitTypeResolvers(schema, () => compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true }));
    if (!isCompiledQuery(compiled) || compiled.subscribe !== undefined) return null;
    return compiled;
  } catch {
    return null;
  }
}

const requestError = (result: ExecutionResult): boolean => !("data" in result);

/*
 * The context a compiled execution gets: a copy of the request's, emptied once
 * the execution is over. graphql-jit keeps each execution's state in one object
 * literal that V8 soon allocates in the old generation (allocation-site
 * pretenuring: that state lives across the upstream call). Such an object, dead
 * after its request, still holds what it points to through every young-space
 * GC until the next full one; pointing at the request's own context, it kept
 * each request's whole graph (its IncomingMessage, ServerResponse, headers and
 * context) alive and promoted, and full GCs came several times as often (see
 * docs/performance.md, "Compiled execution"). The copy is emptied instead, so
 * the dead state holds an empty object. Resolvers read the same fields
 * (nothing on the request path writes to the context while executing); an
 * execution whose plugins key state by the context object itself (Apollo's
 * inline trace, for a request that asked for one) gets the very object.
 */
type Context = ExecutionArgs["contextValue"];
const ownCopy = (context: Context): Record<string, unknown> => Object.assign({}, context) as Record<string, unknown>;
function emptied(context: Record<string, unknown>): void {
  for (const key in context) context[key] = undefined;
}

/**
 * yoga's execute, with each document run compiled from its compileAfter-th
 * execution on (compileAfter 0: never, every execution is yoga's).
 */
export function compiledExecution(compileAfter: number, options: CompiledExecutionOptions = {}): CompiledExecution {
  const { needsOwnContext, maxCompiled = MAX_COMPILED, compileMsPerSecond = COMPILE_MS_PER_SECOND, now = () => performance.now() } = options;
  const counts: CompiledExecutionCounts = { compiled: 0, dropped: 0, postponed: 0, runs: 0, requestErrors: 0 };
  if (compileAfter === 0) return { execute: normalizedExecutor, counts };
  const documents = new WeakMap<DocumentNode, DocumentState>();
  /** The compiled queries kept, oldest first. */
  const kept: { state: DocumentState; name: string }[] = [];
  let second = -Infinity;
  let spentThisSecond = 0;

  const mayCompile = (): boolean => {
    const at = now();
    if (at - second >= 1000) {
      second = at;
      spentThisSecond = 0;
    }
    return spentThisSecond < compileMsPerSecond;
  };

  const keep = (state: DocumentState, name: string): void => {
    kept.push({ state, name });
    if (kept.length <= maxCompiled) return;
    const oldest = kept.shift()!;
    // Compiled again after COMPILE_AFTER more executions.
    oldest.state.compiled.delete(oldest.name);
    oldest.state.seen = 0;
    counts.dropped++;
  };

  const compiledFor = (args: ExecutionArgs): CompiledQuery | null => {
    if (args.rootValue !== undefined || args.fieldResolver != null || args.typeResolver != null) return null;
    let state = documents.get(args.document);
    if (state === undefined || state.schema !== args.schema) {
      state = { schema: args.schema, seen: 0, compiled: new Map() };
      documents.set(args.document, state);
    }
    const name = args.operationName ?? "";
    let compiled = state.compiled.get(name);
    if (compiled === undefined) {
      if (++state.seen < compileAfter) return null;
      if (!mayCompile()) {
        counts.postponed++;
        return null;
      }
      const started = now();
      compiled = compile(args.schema, args.document, args.operationName ?? undefined);
      spentThisSecond += now() - started;
      state.compiled.set(name, compiled);
      if (compiled !== null) {
        counts.compiled++;
        keep(state, name);
      }
    }
    return compiled;
  };

  /** A request error comes before any resolver ran: yoga's executor answers it in its own words. */
  const answered = (result: ExecutionResult, args: ExecutionArgs): Executed => {
    if (!requestError(result)) return result;
    counts.requestErrors++;
    return normalizedExecutor(args);
  };

  const execute: Execute = (args) => {
    const compiled = compiledFor(args);
    if (compiled === null) return normalizedExecutor(args);
    counts.runs++;
    const copy = needsOwnContext?.(args.contextValue) === true ? null : ownCopy(args.contextValue);
    const result = compiled.query(undefined, copy ?? args.contextValue, args.variableValues ?? {});
    const done = (settled: ExecutionResult): Executed => {
      if (copy !== null) emptied(copy);
      return answered(settled, args);
    };
    return isPromise(result) ? (result.then(done) as Executed) : done(result);
  };
  return { execute, counts };
}

/** The envelop plugin that puts an execution's execute in place of yoga's for every operation. */
export function useCompiledExecution(execution: CompiledExecution): { onExecute: (event: { setExecuteFn: (execute: Execute) => void }) => void } {
  const { execute } = execution;
  return { onExecute: ({ setExecuteFn }) => setExecuteFn(execute) };
}
