// The REST API stand-in: a real HTTP server speaking the envelope or AWS
// restJson1, validating with the gateway's own constraints module.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  checkClientRequestToken,
  checkMaxResults,
  checkPermissionType,
  checkSharedWith,
  checkSharedWithPrefix,
  checkShareId,
  checkShareStatus,
  checkWorkloadId,
} from "../shares/constraints.js";
import type { PermissionType, ShareStatus } from "../shares/model.js";
import { isObject, parseJson, type JsonObject } from "../wire/json.js";
import { FaultQueue, parseFaultSpec, type Fault } from "./faults.js";
import { verifySignature, type VerifierCredentials } from "./sigv4-verify.js";
import { ShareStore, type EmulatorError, type Outcome } from "./store.js";
import { render, renderError, type EmulatorFormat, type WireResponse } from "./wire-format.js";

const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_RECORDED = 1000;

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface EmulatorOptions {
  host?: string;
  port?: number;
  format?: EmulatorFormat;
  /** aws format only: accept only requests SigV4-signed with these; null/absent: signatures are not checked. */
  credentials?: VerifierCredentials | null;
  /** Tests: how far the emulator's clock (its Date header and signature window) is ahead of the machine's. */
  clockOffsetMs?: number;
}

export interface RunningEmulator {
  url: string;
  format: EmulatorFormat;
  /** Whether API requests must carry a valid SigV4 signature. */
  checksSignatures: boolean;
  store: ShareStore;
  faults: FaultQueue;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type FieldCheck = [name: string, problem: string | null];

function validationError(checks: FieldCheck[]): EmulatorError | null {
  const fields = checks.filter((c): c is [string, string] => c[1] !== null).map(([name, message]) => ({ name, message }));
  return fields.length === 0 ? null : { kind: "validation", message: "Invalid request parameters", fields };
}

function cannotParse(message: string): EmulatorError {
  return { kind: "validation", message };
}

function fromOutcome<T>(format: EmulatorFormat, outcome: Outcome<T>, onSuccess: (value: T) => WireResponse): WireResponse {
  return outcome.ok ? onSuccess(outcome.value) : renderError(format, outcome.error);
}

function stringField(body: JsonObject, name: string): string | null {
  const value = body[name];
  return typeof value === "string" ? value : null;
}

class EmulatorApp {
  readonly store = new ShareStore();
  readonly faults = new FaultQueue();
  readonly requests: RecordedRequest[] = [];

  constructor(
    readonly format: EmulatorFormat,
    private readonly credentials: VerifierCredentials | null,
    private readonly clockOffsetMs: number,
  ) {}

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bytes = await readBody(req);
    if (bytes === null) return send(res, { status: 413, headers: {}, body: { message: "request body too large" } }, null);
    const body = bytes.toString("utf8");
    const url = new URL(req.url ?? "/", "http://emulator");

    if (url.pathname.startsWith("/__emulator/")) return this.control(req.method ?? "GET", url.pathname, body, res);

    // The gateway's `upstream_up` probe (a GET of the base URL) is answered like any
    // request, but it is not an API call: not recorded, and it takes no injected fault.
    const probe = req.method === "GET" && url.pathname === "/";
    if (!probe) {
      this.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (this.requests.length > MAX_RECORDED) this.requests.shift();
    }

    const requestId = randomUUID();
    if (this.credentials !== null) {
      // As the real service: authentication before anything else, faults included.
      const check = await verifySignature(
        { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: bytes },
        { credentials: this.credentials, now: this.now() },
      );
      if (!check.ok) {
        const refusal: WireResponse = { status: 403, headers: { "x-amzn-errortype": check.errorType }, body: { message: check.message } };
        return send(res, refusal, this.requestIdHeader(requestId));
      }
    }
    const route = matchRoute(url.pathname);
    const fault = probe ? null : this.faults.take(route?.workloadId ?? null, req.method ?? "GET");
    if (fault) {
      const faulted = await this.applyFault(fault, req, res, requestId);
      if (faulted) return;
    }
    if (!route) {
      return send(res, { status: 404, headers: {}, body: { message: `no route for ${req.method} ${url.pathname}` } }, null);
    }
    send(res, this.route(req.method ?? "GET", route, url.searchParams, body), this.requestIdHeader(requestId));
  }

  private requestIdHeader(requestId: string): [string, string] {
    return [this.format === "aws" ? "x-amzn-requestid" : "x-request-id", requestId];
  }

  /** Returns true when the fault answered (or dropped) the request itself. */
  private async applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<boolean> {
    const idHeader = this.requestIdHeader(requestId);
    switch (fault.kind) {
      case "delay":
        await sleep(fault.delayMs);
        return false;
      case "reset":
        req.socket.destroy();
        return true;
      case "throttle": {
        const response = renderError(this.format, { kind: "throttling", message: "Rate exceeded" });
        if (fault.retryAfter !== null) response.headers["retry-after"] = fault.retryAfter;
        send(res, response, idHeader);
        return true;
      }
      case "error5xx":
        send(res, renderError(this.format, { kind: "internal", message: "Internal server error" }), idHeader);
        return true;
      case "accessDenied":
        send(res, renderError(this.format, { kind: "accessDenied", message: accessDeniedMessage(req) }), idHeader);
        return true;
      case "malformed":
        res.writeHead(200, { "content-type": "application/json", [idHeader[0]]: idHeader[1] });
        res.end(this.format === "aws" ? '{"WorkloadId": "' : '{"success": true, "data": {"id": ');
        return true;
    }
  }

  private route(method: string, route: Route, query: URLSearchParams, rawBody: string): WireResponse {
    const { workloadId, shareId, kind } = route;
    const f = this.format;
    if (kind === "workload" && method === "GET") {
      const invalid = validationError([["WorkloadId", checkWorkloadId(workloadId)]]);
      if (invalid) return renderError(f, invalid);
      return fromOutcome(f, this.store.getWorkload(workloadId), (w) => render.workload(f, w));
    }
    if (kind === "shares" && method === "POST") return this.create(workloadId, rawBody);
    if (kind === "shares" && method === "GET") return this.list(workloadId, query);
    if (kind === "share" && shareId !== null && method === "PATCH") return this.update(workloadId, shareId, rawBody);
    if (kind === "share" && shareId !== null && method === "DELETE") return this.remove(workloadId, shareId, query);
    return { status: 405, headers: {}, body: { message: `${method} is not allowed here` } };
  }

  private create(workloadId: string, rawBody: string): WireResponse {
    const f = this.format;
    const parsed = parseJson(rawBody);
    if (!parsed.ok || !isObject(parsed.value)) return renderError(f, cannotParse("Request body is not a JSON object"));
    const body = parsed.value;
    const sharedWith = stringField(body, "SharedWith");
    const token = stringField(body, "ClientRequestToken");
    const invalid = validationError([
      ["WorkloadId", checkWorkloadId(workloadId)],
      ["SharedWith", sharedWith === null ? "SharedWith is required" : checkSharedWith(sharedWith)],
      ["PermissionType", checkPermissionType(body.PermissionType)],
      ["ClientRequestToken", token === null ? "ClientRequestToken is required" : checkClientRequestToken(token)],
    ]);
    if (invalid) return renderError(f, invalid);
    const outcome = this.store.create(workloadId, sharedWith as string, body.PermissionType as PermissionType, token as string);
    return fromOutcome(f, outcome, (share) => render.created(f, share));
  }

  private list(workloadId: string, query: URLSearchParams): WireResponse {
    const f = this.format;
    const maxResults = query.get("MaxResults");
    const prefix = query.get("SharedWithPrefix");
    const status = query.get("Status");
    const nextToken = query.get("NextToken");
    const invalid = validationError([
      ["WorkloadId", checkWorkloadId(workloadId)],
      ["MaxResults", maxResults === null ? null : checkMaxResults(/^\d+$/.test(maxResults) ? Number(maxResults) : NaN)],
      ["SharedWithPrefix", prefix === null ? null : checkSharedWithPrefix(prefix)],
      ["Status", status === null ? null : checkShareStatus(status)],
    ]);
    if (invalid) return renderError(f, invalid);
    const outcome = this.store.list(workloadId, {
      prefix: prefix ?? undefined,
      status: (status as ShareStatus | null) ?? undefined,
      maxResults: maxResults === null ? undefined : Number(maxResults),
      nextToken: nextToken ?? undefined,
    });
    return fromOutcome(f, outcome, (page) => render.page(f, page));
  }

  private update(workloadId: string, shareId: string, rawBody: string): WireResponse {
    const f = this.format;
    const parsed = parseJson(rawBody);
    if (!parsed.ok || !isObject(parsed.value)) return renderError(f, cannotParse("Request body is not a JSON object"));
    const permissionType = parsed.value.PermissionType;
    const invalid = validationError([
      ["WorkloadId", checkWorkloadId(workloadId)],
      ["ShareId", checkShareId(shareId)],
      ["PermissionType", checkPermissionType(permissionType)],
    ]);
    if (invalid) return renderError(f, invalid);
    const outcome = this.store.update(workloadId, shareId, permissionType as PermissionType);
    return fromOutcome(f, outcome, (share) => render.updated(f, share, this.store.workloads.get(workloadId)!));
  }

  private remove(workloadId: string, shareId: string, query: URLSearchParams): WireResponse {
    const f = this.format;
    const token = query.get("ClientRequestToken");
    const invalid = validationError([
      ["WorkloadId", checkWorkloadId(workloadId)],
      ["ShareId", checkShareId(shareId)],
      ["ClientRequestToken", token === null ? "ClientRequestToken is required" : checkClientRequestToken(token)],
    ]);
    if (invalid) return renderError(f, invalid);
    return fromOutcome(f, this.store.delete(workloadId, shareId, token as string), (share) => render.deleted(f, share));
  }

  private control(method: string, path: string, rawBody: string, res: ServerResponse): void {
    if (path === "/__emulator/faults" && method === "POST") {
      const parsed = parseJson(rawBody);
      const spec = parseFaultSpec(parsed.ok ? parsed.value : undefined);
      if (!spec.ok) return send(res, { status: 400, headers: {}, body: { message: spec.message } }, null);
      this.faults.add(spec.fault);
      return send(res, { status: 201, headers: {}, body: { queued: this.faults.pending.length } }, null);
    }
    if (path === "/__emulator/faults" && method === "DELETE") {
      this.faults.clear();
      return send(res, { status: 204, headers: {}, body: null }, null);
    }
    if (path === "/__emulator/requests" && method === "GET") {
      return send(res, { status: 200, headers: {}, body: { requests: this.requests } }, null);
    }
    if (path === "/__emulator/requests" && method === "DELETE") {
      this.requests.length = 0;
      return send(res, { status: 204, headers: {}, body: null }, null);
    }
    if (path === "/__emulator/reset" && method === "POST") {
      this.store.reset();
      this.faults.clear();
      this.requests.length = 0;
      return send(res, { status: 204, headers: {}, body: null }, null);
    }
    send(res, { status: 404, headers: {}, body: { message: "unknown emulator control endpoint" } }, null);
  }
}

/** What IAM says when a policy does not allow the action. */
function accessDeniedMessage(req: IncomingMessage): string {
  const action = { POST: "CreateWorkloadShare", GET: "ListWorkloadShares", PATCH: "UpdateWorkloadShare", DELETE: "DeleteWorkloadShare" }[
    req.method ?? ""
  ];
  return `User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: wellarchitected:${action ?? "GetWorkload"}`;
}

interface Route {
  kind: "workload" | "shares" | "share";
  workloadId: string;
  shareId: string | null;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchRoute(pathname: string): Route | null {
  const parts = pathname.split("/").slice(1);
  if (parts[0] !== "workloads" || parts[1] === undefined || parts[1] === "") return null;
  const workloadId = decodeSegment(parts[1]);
  if (parts.length === 2) return { kind: "workload", workloadId, shareId: null };
  if (parts[2] !== "shares") return null;
  if (parts.length === 3) return { kind: "shares", workloadId, shareId: null };
  if (parts.length === 4 && parts[3] !== undefined && parts[3] !== "") {
    return { kind: "share", workloadId, shareId: decodeSegment(parts[3]) };
  }
  return null;
}

/** The raw body bytes (signatures cover bytes, not decoded text), or null over the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, response: WireResponse, requestId: [string, string] | null): void {
  if (res.destroyed) return;
  const payload = response.body === null ? "" : JSON.stringify(response.body);
  const headers: Record<string, string> = { ...response.headers };
  if (payload !== "") headers["content-type"] = "application/json";
  if (requestId) headers[requestId[0]] = requestId[1];
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const format = options.format ?? "envelope";
  const credentials = options.credentials ?? null;
  if (credentials !== null && format !== "aws") throw new Error("the emulator checks SigV4 signatures only in the aws format");
  const clockOffsetMs = options.clockOffsetMs ?? 0;
  const app = new EmulatorApp(format, credentials, clockOffsetMs);
  const server: Server = createServer((req, res) => {
    // A shifted clock shows in every answer's Date header, as a server's own clock would.
    if (clockOffsetMs !== 0) res.setHeader("date", new Date(app.now()).toUTCString());
    app.handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, headers: {}, body: { message: "emulator failure" } }, null);
      else res.destroy();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    format,
    checksSignatures: credentials !== null,
    store: app.store,
    faults: app.faults,
    requests: app.requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The startup lines: the URL, then one line per workload (contract format). */
export function describeEmulator(emulator: RunningEmulator): string[] {
  const signatures = emulator.checksSignatures ? ", SigV4 signatures checked" : "";
  const lines = [`emulator: ${emulator.url} (${emulator.format} format${signatures})`];
  for (const w of emulator.store.workloads.values()) {
    lines.push(`workload ${w.id} ${w.name} (${w.shares.length} shares, quota ${w.quota})`);
  }
  return lines;
}
