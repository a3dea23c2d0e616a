// Browsers: CORS for frontend apps on other origins, from an allow-list
// (CORS_ORIGINS; any origin only in development). An allowed origin gets the
// grant with the headers clients need; a disallowed one gets no CORS headers.
// Checked at the HTTP level and in headless Chromium, which enforces it.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";

const APP = "https://app.example.com";
const ADMIN = "https://admin.example.com";
const EVIL = "https://evil.example.net";
const QUERY = JSON.stringify({ query: "{ __typename }" });
const LISTED = { status: 200, body: '{"success": true, "data": {"items": [], "next_token": null}}' };

let upstream: ScriptedUpstream;
beforeAll(async () => {
  upstream = await startScriptedUpstream();
  upstream.script(LISTED);
});
afterAll(() => upstream?.close());

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, authorization, idempotency-key, x-request-id",
    },
  });
}

function post(url: string, origin: string): Promise<Response> {
  return fetch(url, { method: "POST", headers: { origin, "content-type": "application/json" }, body: QUERY });
}

const headerList = (value: string | null): string[] => (value ?? "").split(",").map((h) => h.trim().toLowerCase());

function expectNoGrant(response: Response): void {
  for (const name of [
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
  ]) {
    expect(response.headers.get(name), name).toBeNull();
  }
}

describe("CORS_ORIGINS allow-list", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startGateway(upstream.url, { corsOrigins: [APP, ADMIN], production: true });
  });
  afterAll(() => gateway?.close());

  it("a preflight from an allowed origin is granted with the headers clients need", async () => {
    const response = await preflight(gateway.url, APP);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(headerList(response.headers.get("access-control-allow-methods"))).toEqual(expect.arrayContaining(["post", "get"]));
    expect(headerList(response.headers.get("access-control-allow-headers"))).toEqual(
      expect.arrayContaining(["content-type", "authorization", "idempotency-key", "x-request-id"]),
    );
    expect(response.headers.get("vary")).toMatch(/origin/i);
  });

  it("an actual request from an allowed origin is granted and may read x-request-id", async () => {
    const response = await post(gateway.url, ADMIN);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ADMIN);
    expect(headerList(response.headers.get("access-control-expose-headers"))).toContain("x-request-id");
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });

  it("a preflight from a disallowed origin gets no grant", async () => {
    const response = await preflight(gateway.url, EVIL);
    expect(response.status).toBeLessThan(500);
    expectNoGrant(response);
  });

  it("an actual request from a disallowed origin gets no grant", async () => {
    expectNoGrant(await post(gateway.url, EVIL));
  });

  it("a look-alike origin (other scheme, port or suffix) gets no grant", async () => {
    for (const origin of ["http://app.example.com", "https://app.example.com:8443", "https://app.example.com.evil.net", "null"]) {
      expectNoGrant(await preflight(gateway.url, origin));
    }
  });

  it("with a single allowed origin, another origin still gets nothing (not that origin's grant)", async () => {
    const single = await startGateway(upstream.url, { corsOrigins: [APP], production: true });
    try {
      expectNoGrant(await preflight(single.url, EVIL));
      expectNoGrant(await post(single.url, EVIL));
      expect((await post(single.url, APP)).headers.get("access-control-allow-origin")).toBe(APP);
    } finally {
      await single.close();
    }
  });
});

describe("without CORS_ORIGINS", () => {
  it("development allows any origin", async () => {
    const gateway = await startGateway(upstream.url, { corsOrigins: null, production: false });
    try {
      expect((await preflight(gateway.url, EVIL)).headers.get("access-control-allow-origin")).toBe(EVIL);
      expect((await post(gateway.url, EVIL)).headers.get("access-control-allow-origin")).toBe(EVIL);
    } finally {
      await gateway.close();
    }
  });

  it("production allows none", async () => {
    const gateway = await startGateway(upstream.url, { corsOrigins: null, production: true });
    try {
      expectNoGrant(await preflight(gateway.url, APP));
      expectNoGrant(await post(gateway.url, APP));
    } finally {
      await gateway.close();
    }
  });
});

// --- In a real browser -------------------------------------------------------

const CHROMIUM = "/usr/bin/chromium";
const skipBrowser = process.env.CI === undefined && !existsSync(CHROMIUM);
if (skipBrowser) {
  console.warn(`\n*** SKIPPING the browser part of test/cors.test.ts: ${CHROMIUM} not found and CI is unset. ***\n`);
}

async function startPageServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>app</title>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe.skipIf(skipBrowser)("in headless Chromium", () => {
  let browser: Browser | undefined;
  let gateway: TestGateway;
  let allowed: { server: Server; port: number };
  let disallowed: { server: Server; port: number };

  beforeAll(async () => {
    allowed = await startPageServer();
    disallowed = await startPageServer();
    gateway = await startGateway(upstream.url, { corsOrigins: [`http://127.0.0.1:${allowed.port}`], production: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await gateway?.close();
    allowed?.server.close();
    disallowed?.server.close();
  }, 30_000);

  async function fetchFrom(pageUrl: string): Promise<{ ok: boolean; requestId?: string | null; typename?: string; error?: string }> {
    if (!browser) throw new Error("no browser");
    const page = await browser.newPage();
    try {
      await page.goto(pageUrl);
      return await page.evaluate(async (url) => {
        try {
          const response = await fetch(url, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: "Bearer not-checked-in-this-mode",
              "idempotency-key": "browser-key-1",
              "x-request-id": "browser-req-1",
            },
            body: JSON.stringify({ query: "{ __typename }" }),
          });
          const body = (await response.json()) as { data?: { __typename?: string } };
          return { ok: true, requestId: response.headers.get("x-request-id"), typename: body.data?.__typename };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      }, gateway.url);
    } finally {
      await page.close();
    }
  }

  it("a page on an allowed origin reads the answer and the exposed x-request-id", async () => {
    const result = await fetchFrom(`http://127.0.0.1:${allowed.port}/`);
    expect(result).toEqual({ ok: true, requestId: "browser-req-1", typename: "Query" });
  });

  it("a page on another origin is refused by the browser", async () => {
    const result = await fetchFrom(`http://localhost:${disallowed.port}/`);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/Failed to fetch/);
  });
});
