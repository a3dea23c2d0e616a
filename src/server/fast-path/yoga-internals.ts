// What the fast path reads of the yoga server it stands beside: its plugins
// (for their onRequest/onResponse hooks, which yoga's Fetch adapter runs), its
// onExecutionResult and onResultProcess hooks, and its error masking. They are
// yoga's own fields, private in its typings: read once at startup and checked,
// so a yoga release that renames them fails start-up and the fast-path tests,
// never a request.
import type { Plugin } from "graphql-yoga";

type OnRequest = NonNullable<Plugin["onRequest"]>;
type OnResponse = NonNullable<Plugin["onResponse"]>;
export type OnExecutionResult = NonNullable<Plugin["onExecutionResult"]>;
export type OnResultProcess = NonNullable<Plugin["onResultProcess"]>;

export interface YogaInternals {
  onRequestHooks: OnRequest[];
  onResponseHooks: OnResponse[];
  onExecutionResultHooks: OnExecutionResult[];
  onResultProcessHooks: OnResultProcess[];
  /** yoga's maskError (logs what it masks); null when masking is off. */
  maskError: ((error: unknown, message: string) => Error) | null;
  /** Whether a plugin wraps request phases (OpenTelemetry): those requests need yoga's own pipeline. */
  instrumented: boolean;
}

function arrayField<T>(yoga: Record<string, unknown>, name: string): T[] {
  const value = yoga[name];
  if (!Array.isArray(value)) throw new Error(`fast path: this graphql-yoga has no ${name}; set FAST_PATH=false`);
  return value as T[];
}

export function yogaInternals(yoga: object): YogaInternals {
  const fields = yoga as Record<string, unknown>;
  const plugins = arrayField<Plugin | false | null | undefined>(fields, "plugins").filter((p): p is Plugin => Boolean(p));
  // yoga's adapter proxy reads a null field (masking off) as undefined, so both mean "no masking".
  const masking = fields.maskedErrorsOpts as { maskError?: (error: unknown, message: string) => Error } | null | undefined;
  return {
    onRequestHooks: plugins.flatMap((p) => (p.onRequest ? [p.onRequest] : [])),
    onResponseHooks: plugins.flatMap((p) => (p.onResponse ? [p.onResponse] : [])),
    onExecutionResultHooks: arrayField<OnExecutionResult>(fields, "onExecutionResultHooks"),
    onResultProcessHooks: arrayField<OnResultProcess>(fields, "onResultProcessHooks"),
    maskError: masking?.maskError ? masking.maskError : null,
    instrumented: plugins.some((p) => p.instrumentation !== undefined),
  };
}
