// GraphiQL as a person uses it: Debian's Chromium opens the gateway's /graphql
// page, the default document (a createWorkloadShare on a seeded workload) is
// run twice with GraphiQL's own execute button, and every request the browser
// made, page, workers and the browser's own network log alike, stays on this
// machine.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, type Page, type Response } from "playwright-core";
import { launchChromium, skipWithoutChromium } from "./support/chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { SEEDED, startTestEmulator } from "./support/emulator.js";
import { startGateway, type TestGateway } from "./support/gateway.js";

const SCREENSHOT = "/tmp/graphiql.png";
const TIMEOUT = 60_000;

const skip = skipWithoutChromium("test/graphiql.test.ts");

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** data:, blob: and loopback http(s)/ws(s) are local; anything else is not. */
function isLocal(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "data:" || parsed.protocol === "blob:") return true;
  if (!["http:", "https:", "ws:", "wss:"].includes(parsed.protocol)) return false;
  return LOOPBACK_HOSTS.has(parsed.hostname);
}

/** The text Monaco shows in an editor (it renders spaces as U+00A0). */
async function editorText(page: Page, selector: string): Promise<string> {
  const text = await page.locator(selector).first().textContent();
  return (text ?? "").replace(/\u00a0/g, " ");
}

interface NetLogRequest {
  url: string;
  method: string | undefined;
  initiator: string | undefined;
  requestType: string | undefined;
}

interface NetLog {
  requests: NetLogRequest[];
  /** Every address a TCP connection was attempted to or made with. */
  tcpPeers: string[];
  udpDatagramsSent: number;
}

/** Reads Chromium's --log-net-log JSON (complete once the browser closed). */
function readNetLog(file: string): NetLog {
  type Event = { type: number; params?: Record<string, unknown> };
  const parsed = JSON.parse(readFileSync(file, "utf8")) as {
    constants: { logEventTypes: Record<string, number> };
    events: Event[];
  };
  const names = new Map(Object.entries(parsed.constants.logEventTypes).map(([name, id]) => [id, name]));
  const log: NetLog = { requests: [], tcpPeers: [], udpDatagramsSent: 0 };
  const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  for (const event of parsed.events) {
    const name = names.get(event.type);
    const params = event.params ?? {};
    if (name === "URL_REQUEST_START_JOB" && typeof params.url === "string") {
      log.requests.push({
        url: params.url,
        method: str(params.method),
        initiator: str(params.initiator),
        requestType: str(params.request_type),
      });
    } else if (name === "TCP_CONNECT" || name === "TCP_CONNECT_ATTEMPT") {
      if (Array.isArray(params.address_list)) log.tcpPeers.push(...params.address_list.map(String));
      for (const key of ["address", "remote_address"]) {
        const peer = str(params[key]);
        if (peer !== undefined) log.tcpPeers.push(peer);
      }
    } else if (name === "UDP_BYTES_SENT" || name === "UDP_SEND_ERROR") {
      log.udpDatagramsSent++;
    }
  }
  return log;
}

interface CreateResult {
  __typename: string;
  clientRequestToken?: string;
  share?: { id: string; workloadId: string; sharedWith: string };
}

describe.skipIf(skip)("GraphiQL in headless Chromium (served offline, default document runs)", () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let pageResponse: Response | null = null;
  let netLogDir: string;
  const requested: string[] = [];
  const pageErrors: string[] = [];
  let firstShareId: string | undefined;

  const record = (source: string, url: string): void => {
    requested.push(`${source} ${url}`);
  };
  const offMachine = (): string[] => requested.filter((line) => !isLocal(line.slice(line.indexOf(" ") + 1)));

  beforeAll(async () => {
    emulator = await startTestEmulator();
    gateway = await startGateway(emulator.url, { graphiql: true });
    netLogDir = mkdtempSync(join(tmpdir(), "graphiql-netlog-"));
    browser = await launchChromium(TIMEOUT, [`--log-net-log=${join(netLogDir, "netlog.json")}`]);
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    context.on("request", (request) => record("context", request.url()));
    context.on("serviceworker", (worker) => record("serviceworker", worker.url()));
    // Every request is seen here first; a non-local one is recorded and never sent.
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      record("route", url);
      if (isLocal(url)) await route.continue();
      else await route.abort("blockedbyclient");
    });
    page = await context.newPage();
    page.on("request", (request) => record("page", request.url()));
    page.on("worker", (worker) => record("worker", worker.url()));
    page.on("websocket", (socket) => record("websocket", socket.url()));
    page.on("popup", (popup) => record("popup", popup.url()));
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(TIMEOUT);
    pageResponse = await page.goto(gateway.url, { waitUntil: "load", timeout: TIMEOUT });
  }, TIMEOUT * 2);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await gateway?.close();
    await emulator?.close();
    if (netLogDir) rmSync(netLogDir, { recursive: true, force: true });
  }, TIMEOUT);

  /** Runs the editor's document as a person would; returns what the gateway answered to the page. */
  async function runDefaultDocument(how: "button" | "keyboard"): Promise<CreateResult> {
    const answered = page.waitForResponse(
      (response) =>
        response.url() === gateway.url &&
        response.request().method() === "POST" &&
        (response.request().postData() ?? "").includes("createWorkloadShare"),
    );
    if (how === "button") {
      await page.locator(".graphiql-execute-button").click();
    } else {
      await page.locator(".graphiql-query-editor .view-lines").first().click();
      await page.keyboard.press("Control+Enter");
    }
    const response = await answered;
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { data?: { createWorkloadShare?: CreateResult }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const result = body.data?.createWorkloadShare;
    expect(result).toBeDefined();
    return result as CreateResult;
  }

  it("serves the GraphiQL page as HTML to a normal browser navigation", async () => {
    expect(pageResponse?.status()).toBe(200);
    expect(pageResponse?.headers()["content-type"]).toMatch(/^text\/html/);
    const accept = await pageResponse?.request().headerValue("accept");
    expect(accept).toMatch(/text\/html/);
    await expect.poll(() => page.title()).toBe("Workload share gateway");
  });

  it(
    "shows the default document, a createWorkloadShare mutation, in the editor",
    async () => {
      await expect
        .poll(() => editorText(page, ".graphiql-query-editor"), { timeout: TIMEOUT, interval: 250 })
        .toContain("createWorkloadShare");
      const text = await editorText(page, ".graphiql-query-editor");
      expect(text).toContain("mutation ShareWorkload");
      expect(text).toContain(`workloadId: "${SEEDED.roomy}"`);
      expect(text).toContain("clientRequestToken:");
    },
    TIMEOUT,
  );

  it(
    "runs it (execute button): the result pane shows CreateWorkloadShareSuccess with the new share",
    async () => {
      const result = await runDefaultDocument("button");
      expect(result.__typename).toBe("CreateWorkloadShareSuccess");
      expect(result.share?.workloadId).toBe(SEEDED.roomy);
      expect(result.share?.sharedWith).toBe("123456789012");
      firstShareId = result.share?.id;
      expect(firstShareId).toMatch(/^[0-9a-f]{32}$/);

      await expect
        .poll(() => editorText(page, ".graphiql-response"), { timeout: TIMEOUT, interval: 250 })
        .toContain('"__typename": "CreateWorkloadShareSuccess"');
      expect(await editorText(page, ".graphiql-response")).toContain(firstShareId);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(emulator.store.workloads.get(SEEDED.roomy)?.shares).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    "runs it again (Ctrl+Enter): the fixed clientRequestToken replays the same share",
    async () => {
      expect(firstShareId).toBeDefined();
      const result = await runDefaultDocument("keyboard");
      expect(result.__typename).toBe("CreateWorkloadShareSuccess");
      expect(result.share?.id).toBe(firstShareId);
      await expect
        .poll(() => editorText(page, ".graphiql-response"), { timeout: TIMEOUT, interval: 250 })
        .toContain(firstShareId as string);
      expect(await editorText(page, ".graphiql-response")).toContain("CreateWorkloadShareSuccess");
      expect(emulator.store.workloads.get(SEEDED.roomy)?.shares).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    "made no request beyond localhost (page, workers, and the browser's own network log)",
    async () => {
      // The page did load things (the document, the introspection, the two runs), all recorded.
      expect(requested.some((line) => line.startsWith("page ") && line.endsWith(gateway.url))).toBe(true);
      expect(requested.filter((line) => line.startsWith("worker ")).length).toBeGreaterThan(0);
      expect(offMachine(), `requests beyond localhost:\n${requested.join("\n")}`).toEqual([]);

      // Closing the browser flushes its network log: what the network stack itself did.
      await browser?.close();
      browser = undefined;
      const log = readNetLog(join(netLogDir, "netlog.json"));
      const pageOrigin = new URL(gateway.url).origin;

      // Every request the page started (its initiator is the page's origin) was local...
      const fromPage = log.requests.filter((r) => r.initiator === pageOrigin);
      expect(fromPage.some((r) => r.url === gateway.url && r.method === "POST")).toBe(true);
      expect(fromPage.filter((r) => !isLocal(r.url))).toEqual([]);
      // ...and so was the navigation.
      expect(log.requests.filter((r) => r.requestType === "main frame").map((r) => r.url)).toEqual([gateway.url]);

      // Nothing at all left the machine: every TCP connection went to loopback and no UDP
      // datagram was sent (Chromium's IPv6 reachability probe connects a UDP socket, which
      // transmits nothing).
      expect(log.tcpPeers.length).toBeGreaterThan(0);
      expect(log.tcpPeers.filter((peer) => !/^(127\.\d+\.\d+\.\d+|\[::1\]):\d+$/.test(peer))).toEqual([]);
      expect(log.udpDatagramsSent).toBe(0);

      // Chromium's own services (component updater, sign-in, autofill predictions) are not
      // the page's requests; the resolver rule above kept them on the machine. Shown, not hidden.
      const background = [...new Set(log.requests.filter((r) => !isLocal(r.url)).map((r) => new URL(r.url).host))];
      if (background.length > 0) {
        console.info(`Chromium's own background requests, refused by --host-resolver-rules: ${background.join(", ")}`);
      }
      expect(pageErrors, "uncaught errors in the page").toEqual([]);
    },
    TIMEOUT,
  );
});
