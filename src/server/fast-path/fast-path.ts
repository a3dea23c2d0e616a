// The fast path: the common request, `POST /graphql` with a JSON body holding
// one query or mutation, served behind node:http without yoga's Fetch API
// adapter (no Request/Response objects, no body stream). It runs the very
// pipeline yoga runs, from the same plugins, in yoga's order:
//   caller auth (as use-caller-auth) -> body read at most MAX_BODY_BYTES, strict
//   UTF-8, JSON -> yoga's envelop parse and validate (graphql-armor and the
//   document limits are validation rules; a text that passed before is
//   remembered, see ValidDocuments) -> every plugin's onRequest hook ->
//   context, execute (masking, the operation record) -> onExecutionResult ->
//   onResultProcess (yoga's media-type choice, the gateway's error status and
//   schema disclosure) -> yoga's own result processor -> every onResponse hook
//   (request ID, CORS, metrics, the log line) -> one writeHead and end.
// Whatever is not that request shape is not served here. Decided from the
// headers (another method, path or content type, no Content-Length or one over
// the limit, a streaming Accept, an ftv1 trace request, a refused token) the
// request goes to yoga untouched; decided from the body (not UTF-8, not JSON, a
// batch, a documentId or persisted query, any other parameter, a document that
// does not parse or validate) the bytes read are handed to yoga's full pipeline
// before anything was executed or counted, so every refusal is yoga's own.
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendNodeResponse } from "@whatwg-node/server";
import { getOperationAST, type DocumentNode, type ExecutionResult } from "graphql";
import type { GraphQLParams, YogaServerInstance } from "graphql-yoga";
import { UNRESTRICTED_CALLER, type Caller } from "../../auth/caller.js";
import type { TokenVerifier, Verification } from "../../auth/jwt-verifier.js";
import { isPromise } from "../../execution/compiled-execution.js";
import type { GatewayContext } from "../../schema/context.js";
import { FEDERATED_TRACE_HEADER } from "../../tracing/use-federated-trace.js";
import { isObject } from "../../wire/json.js";
import { utf8Text } from "../plugins/use-request-body.js";
import { recordOf } from "../request-record.js";
import { FAST_FETCH_API, FastResponse } from "./fast-response.js";
import { asFetchRequest, NodeRequest } from "./node-request.js";
import { yogaInternals, type YogaInternals } from "./yoga-internals.js";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** How many requests each way took since start: served here, sent to yoga untouched, or replayed into yoga. */
export interface FastPathCounts {
  fast: number;
  yoga: number;
  replayed: number;
}

/** What node:http calls for each request, and how many went each way (null: no fast path, all went to yoga). */
export interface NodeEntry {
  readonly handle: NodeHandler;
  readonly counts: FastPathCounts | null;
}

type Yoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

export interface FastPathOptions {
  graphqlEndpoint: string;
  /** MAX_BODY_BYTES: a larger Content-Length goes to yoga, which refuses it. */
  maxBodyBytes: number;
  /** AUTH_MODE=jwt's verifier (null: every caller has every scope), as use-caller-auth uses it. */
  verify: TokenVerifier | null;
}

const JSON_CONTENT_TYPE = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
const DIGITS = /^\d+$/;
/** Accept values that could pick one of yoga's streaming result processors. */
const STREAMING_ACCEPT = /text\/event-stream|multipart\/mixed/i;
/** A Host yoga's adapter would take as given; anything odder goes its way. */
const PLAIN_HOST = /^[A-Za-z0-9.:[\]-]{1,255}$/;
const PARAMETERS = new Set(["query", "variables", "operationName", "extensions"]);

/** Whether the headers alone allow the fast path. */
function servesShape(req: IncomingMessage, options: FastPathOptions): boolean {
  if (req.method !== "POST" || req.url !== options.graphqlEndpoint) return false;
  const { headers } = req;
  const type = headers["content-type"];
  if (type === undefined || !JSON_CONTENT_TYPE.test(type)) return false;
  const length = headers["content-length"];
  if (length === undefined || !DIGITS.test(length) || Number(length) > options.maxBodyBytes) return false;
  if (headers["transfer-encoding"] !== undefined || headers[FEDERATED_TRACE_HEADER] !== undefined) return false;
  if (headers.accept !== undefined && STREAMING_ACCEPT.test(headers.accept)) return false;
  return headers.host === undefined || PLAIN_HOST.test(headers.host);
}

/** The body's bytes; null when the client went away before sending them all. */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once("error", () => resolve(null));
    req.once("close", () => {
      if (!req.complete) resolve(null);
    });
  });
}

/** One operation's parameters in their plainest form; null for anything else (yoga decides those). */
function plainParams(bytes: Buffer): GraphQLParams & { query: string } | null {
  const text = utf8Text(bytes);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  for (const key of Object.keys(value)) if (!PARAMETERS.has(key)) return null;
  const { query, variables, operationName, extensions } = value;
  if (typeof query !== "string" || query === "") return null;
  if (variables !== undefined && variables !== null && !isObject(variables)) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return null;
  if (extensions !== undefined && extensions !== null && !(isObject(extensions) && !("persistedQuery" in extensions))) return null;
  return value as unknown as GraphQLParams & { query: string };
}

/** Texts up to this length are remembered; a longer one is parsed and validated each time (as yoga's caches would). */
const REMEMBERED_TEXT_CHARS = 16 * 1024;
/** As many as yoga's own document cache holds. */
const REMEMBERED_DOCUMENTS = 1000;

/**
 * The documents that parsed and validated, by text. Every onParse and
 * onValidate hook installed (yoga's parser and validation cache, its
 * mutation-via-GET and validation-error plugins, graphql-armor, the document
 * limits, schema disclosure) decides from the text, the method (always POST
 * here) and the startup configuration alone, so a text that passed once passes
 * again: it skips envelop's per-request parse and validate hook closures and
 * goes on with the very DocumentNode yoga's cache holds. A text that failed is
 * never remembered: it is replayed into yoga, which refuses it again.
 */
export class ValidDocuments {
  private readonly byText = new Map<string, DocumentNode>();

  get(text: string): DocumentNode | undefined {
    return this.byText.get(text);
  }

  remember(text: string, document: DocumentNode): void {
    if (text.length > REMEMBERED_TEXT_CHARS) return;
    // The oldest goes first: a client sending ever new texts cannot grow this.
    if (this.byText.size >= REMEMBERED_DOCUMENTS) this.byText.delete(this.byText.keys().next().value!);
    this.byText.set(text, document);
  }
}

/** What a hook may not do on this path (replace the request or its handler). */
function refuse(): never {
  throw new Error("fast path: a plugin tried to replace the request or its handler; set FAST_PATH=false");
}

export function createFastPath(yoga: Yoga, options: FastPathOptions): NodeEntry {
  const internals: YogaInternals = yogaInternals(yoga);
  // Read once: each read through yoga's adapter proxy binds a new function.
  const getEnveloped = yoga.getEnveloped;
  const fetchFromYoga = yoga.fetch;
  const fetchAPI = yoga.fetchAPI;
  const logger = yoga.logger;
  const url = new URL(`http://localhost${options.graphqlEndpoint}`);
  const counts: FastPathCounts = { fast: 0, yoga: 0, replayed: 0 };
  const validDocuments = new ValidDocuments();
  const full: NodeHandler = (req, res) => {
    counts.yoga++;
    void yoga(req, res);
  };
  /** As the adapter's: work a hook leaves running after the response (its failure is logged, never thrown). */
  const waitUntil = (work: Promise<unknown> | unknown): void => {
    if (isPromise(work)) work.then(undefined, (error: unknown) => logger.error(error));
  };

  /** Hands a request whose body was read to yoga's full pipeline (nothing ran for it yet). */
  async function replay(req: IncomingMessage, res: ServerResponse, bytes: Buffer): Promise<void> {
    counts.replayed++;
    const controller = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const one of value) headers.push([name, one]);
      else if (value !== undefined) headers.push([name, value]);
    }
    const response = await fetchFromYoga(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
      method: req.method,
      headers,
      body: bytes,
      signal: controller.signal,
    });
    await sendNodeResponse(response, res, req, true);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    const nodeRequest = new NodeRequest(req, res, `http://${req.headers.host ?? "localhost"}`);
    const request = asFetchRequest(nodeRequest);
    const record = recordOf(request); // nodeRequest.gatewayRecord, whose clock started on arrival
    const bytes = await readBody(req);
    if (bytes === null) return;
    const params = plainParams(bytes);
    if (params === null) return replay(req, res, bytes);

    const serverContext = { req, res, waitUntil };
    // As yoga's handleParams: the context starts as the server context with request and params.
    // A literal, not a spread of serverContext: on Node 20 a spread's copy made envelop's
    // Object.assign of the gateway's context fields cost ~15 µs per request (client.ts withAttempts).
    const context: Record<string, unknown> = { req, res, waitUntil, request, params };
    const enveloped = getEnveloped(context);
    let document: DocumentNode;
    const remembered = validDocuments.get(params.query);
    if (remembered !== undefined) document = remembered;
    else {
      try {
        document = enveloped.parse(params.query);
      } catch {
        return replay(req, res, bytes);
      }
      if (enveloped.validate(enveloped.schema, document).length > 0) return replay(req, res, bytes);
      validDocuments.remember(params.query, document);
    }
    const operation = getOperationAST(document, params.operationName);
    if (!operation || operation.operation === "subscription") return replay(req, res, bytes);

    // From here on the request is this path's: yoga's adapter hooks, then execution.
    counts.fast++;
    let early: Response | null = null;
    const onRequestEvent = {
      request,
      setRequest: refuse,
      serverContext,
      fetchAPI,
      url,
      requestHandler: refuse,
      setRequestHandler: refuse,
      endResponse: (response: Response) => {
        early = response;
      },
    };
    for (const onRequest of internals.onRequestHooks) {
      const done = onRequest(onRequestEvent);
      if (isPromise(done)) await done;
      if (early !== null) break;
    }
    record.caller = caller;

    let response: FastResponse | Response;
    if (early !== null) response = early;
    else {
      let result = await execute(enveloped, document, params);
      const onExecutionResultEvent = {
        result,
        setResult: (next: unknown) => {
          result = next as ExecutionResult;
        },
        request,
        context,
      };
      for (const onExecutionResult of internals.onExecutionResultHooks) {
        onExecutionResultEvent.result = result;
        const done = onExecutionResult(onExecutionResultEvent as unknown as Parameters<typeof onExecutionResult>[0]);
        if (isPromise(done)) await done;
      }
      response = await processResult(request, result, serverContext);
    }
    const onResponseEvent = {
      request,
      response,
      serverContext,
      setResponse: (next: Response) => {
        response = next;
      },
      fetchAPI,
    };
    for (const onResponse of internals.onResponseHooks) {
      onResponseEvent.response = response;
      const done = onResponse(onResponseEvent as unknown as Parameters<typeof onResponse>[0]);
      if (isPromise(done)) await done;
    }
    if (response instanceof FastResponse) response.writeTo(res);
    else await sendNodeResponse(response, res, req, true);
  }

  type Enveloped = ReturnType<typeof getEnveloped>;

  /** As yoga's handleParams: a thrown error (never a resolver's, graphql-js reports those) is masked. */
  async function execute(enveloped: Enveloped, document: DocumentNode, params: GraphQLParams): Promise<ExecutionResult> {
    try {
      // Awaited only when a promise: each await of a plain value is another microtask turn.
      const built = enveloped.contextFactory();
      const contextValue = isPromise(built) ? await built : built;
      const executed = enveloped.execute({
        schema: enveloped.schema,
        document,
        contextValue,
        variableValues: params.variables,
        operationName: params.operationName,
      }) as unknown;
      const result = (isPromise(executed) ? await executed : executed) as ExecutionResult | AsyncIterable<ExecutionResult>;
      if (Symbol.asyncIterator in result) throw new Error("fast path: a streamed result");
      return result;
    } catch (error) {
      const masked = internals.maskError ? internals.maskError(error, "Unexpected error.") : error;
      return { errors: [masked as NonNullable<ExecutionResult["errors"]>[number]] };
    }
  }

  /** yoga's processResult: the onResultProcess hooks choose the result processor and adjust the result. */
  async function processResult(request: Request, initial: ExecutionResult, serverContext: object): Promise<FastResponse | Response> {
    let result: unknown = initial;
    let processor: ((result: never, fetchAPI: never, mediaType: string) => unknown) | undefined;
    let mediaType = "*/*";
    const acceptableMediaTypes: string[] = [];
    const event = {
      request,
      acceptableMediaTypes,
      result,
      setResult: (next: unknown) => {
        result = next;
      },
      resultProcessor: processor,
      setResultProcessor: (next: typeof processor, nextMediaType: string) => {
        processor = next;
        mediaType = nextMediaType;
      },
      serverContext,
    };
    for (const onResultProcess of internals.onResultProcessHooks) {
      event.result = result;
      event.resultProcessor = processor;
      const done = onResultProcess(event as unknown as Parameters<typeof onResultProcess>[0]);
      if (isPromise(done)) await done;
    }
    if (processor === undefined) {
      return new FastResponse(null, { status: 406, headers: { accept: acceptableMediaTypes.join("; charset=utf-8, ") } });
    }
    const processed = processor(result as never, FAST_FETCH_API as never, mediaType);
    return (isPromise(processed) ? await processed : processed) as FastResponse | Response;
  }

  function unexpected(res: ServerResponse, error: unknown): void {
    logger.error(error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    new FastResponse(JSON.stringify({ errors: [{ message: "Unexpected error." }] }), {
      status: 500,
      headers: { "content-type": "application/json; charset=utf-8" },
    }).writeTo(res);
  }

  const handle: NodeHandler = (req, res) => {
    if (!servesShape(req, options)) return full(req, res);
    const proceed = (outcome: Verification | { ok: true; caller: Caller }): void => {
      // A refused or unverifiable token: yoga's path answers it (401 or 503), the body unread.
      if (!outcome.ok) return full(req, res);
      serve(req, res, outcome.caller).catch((error: unknown) => unexpected(res, error));
    };
    if (options.verify === null) return proceed({ ok: true, caller: UNRESTRICTED_CALLER });
    const outcome = options.verify(req.headers.authorization ?? null);
    if (outcome instanceof Promise) outcome.then(proceed, (error: unknown) => unexpected(res, error));
    else proceed(outcome);
  };
  return { handle, counts };
}
