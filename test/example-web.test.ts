// The example frontend (examples/web) as a person uses it, in Debian's headless
// Chromium: `npm run example` (run here as its script, so the test owns the
// process) builds the app with GraphQL Code Generator and Vite, starts the
// gateway with the app's manifest in trusted-documents-only mode and the
// embedded emulator, and serves the app from another localhost port. The page
// talks to the gateway across origins (CORS) by documentId only.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, type Request } from "playwright-core";
import { launchChromium, skipWithoutChromium } from "./support/chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFault, SEEDED } from "./support/emulator.js";

const SCREENSHOT = "/tmp/example-web.png";
const TIMEOUT = 60_000;
/** Codegen, tsc and vite build on two shared cores, then the gateway's start. */
const START_TIMEOUT = 300_000;
const root = fileURLToPath(new URL("..", import.meta.url));
const MANIFEST = `${root}/examples/web/src/gql/persisted-documents.json`;

const skip = skipWithoutChromium("test/example-web.test.ts");

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
function isLocal(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "data:" || parsed.protocol === "blob:" || LOOPBACK_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}

interface ExampleProcess {
  child: ChildProcess;
  appUrl: string;
  gatewayUrl: string;
  gatewayPid: number;
  emulatorUrl: string;
  output(): string;
}

/** Runs scripts/example.ts (what `npm run example` runs) on free ports; resolves once it serves. */
async function startExample(): Promise<ExampleProcess> {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/example.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      PORT: "0",
      EXAMPLE_APP_PORT: "0",
      AWS_EC2_METADATA_DISABLED: "true",
      // While developing the test only: serve the app built last time.
      ...(process.env.EXAMPLE_SKIP_BUILD === "true" ? { EXAMPLE_SKIP_BUILD: "true" } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run example did not start:\n${output}`)), START_TIMEOUT);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm run example exited with ${code}:\n${output}`));
    });
    const poll = setInterval(() => {
      const ready = /example: app (http:\S+?)\/? \(gateway (http:\S+) pid (\d+)/.exec(output);
      const emulator = /emulator: (http:\/\/\S+)/.exec(output);
      if (ready?.[1] && ready[2] && ready[3] && emulator?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, appUrl: ready[1], gatewayUrl: ready[2], gatewayPid: Number(ready[3]), emulatorUrl: emulator[1], output: () => output });
      }
    }, 50);
  });
}

interface RecordedUpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function upstreamRequests(emulatorUrl: string): Promise<RecordedUpstreamRequest[]> {
  const response = await fetch(`${emulatorUrl}/__emulator/requests`);
  return ((await response.json()) as { requests: RecordedUpstreamRequest[] }).requests;
}

/** The shares the emulator holds now, read from its REST API (envelope wire). */
async function upstreamShares(emulatorUrl: string, workloadId: string): Promise<{ id: string; shared_with: string; permission_type: string }[]> {
  const response = await fetch(`${emulatorUrl}/workloads/${workloadId}/shares?MaxResults=50`);
  const body = (await response.json()) as { data: { items: { id: string; shared_with: string; permission_type: string }[] } };
  return body.data.items;
}

describe.skipIf(skip)("examples/web in headless Chromium against `npm run example` (trusted documents only, CORS)", () => {
  let example: ExampleProcess;
  let browser: Browser | undefined;
  let page: Page;
  const gatewayRequests: Request[] = [];
  const offMachine: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    example = await startExample();
    browser = await launchChromium(TIMEOUT);
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      if (isLocal(url)) await route.continue();
      else {
        offMachine.push(url);
        await route.abort("blockedbyclient");
      }
    });
    page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("request", (request) => {
      if (request.url() === example.gatewayUrl && request.method() === "POST") gatewayRequests.push(request);
    });
    await page.goto(example.appUrl, { waitUntil: "load" });
  }, START_TIMEOUT + TIMEOUT);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (example) {
      const exited = new Promise((resolve) => example.child.once("exit", resolve));
      if (example.child.exitCode === null) example.child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      // Should the script not have stopped its gateway, stop it by its PID.
      for (const pid of [example.child.pid, example.gatewayPid]) {
        try {
          if (pid !== undefined) process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }, TIMEOUT);

  async function chooseWorkload(id: string): Promise<void> {
    await page.getByLabel("Workload", { exact: true }).selectOption(id);
    await expect.poll(() => page.locator(".workload-id").textContent()).toBe(id);
    // The list of that workload has loaded (a table or its error), so no read races the next step.
    await page.locator("section[aria-label=Shares] table, [data-testid=list-error]").first().waitFor();
  }

  async function share(sharedWith: string, permission: "READONLY" | "CONTRIBUTOR" = "READONLY"): Promise<void> {
    await page.getByLabel("Shared with").fill(sharedWith);
    await page.getByLabel("Permission", { exact: true }).selectOption(permission);
    await page.getByRole("button", { name: "Share", exact: true }).click();
  }

  const shareResult = () => page.getByTestId("share-result");
  const row = (sharedWith: string) => page.locator(`[data-testid=share-row][data-shared-with="${sharedWith}"]`);

  describe("the happy path: a seeded workload's shares are listed, a new share is created and listed", () => {
    it(
      "lists the seeded shares of the workload picked (data-lake: two shares)",
      async () => {
        await chooseWorkload(SEEDED.dataLake);
        await expect.poll(() => page.getByTestId("share-row").count()).toBe(2);
        expect(await row("111122223333").count()).toBe(1);
        expect(await row("o-exampleorgid1").count()).toBe(1);
      },
      TIMEOUT,
    );

    it(
      "shares payments-platform with an account: CreateWorkloadShareSuccess shown and the share listed",
      async () => {
        await chooseWorkload(SEEDED.roomy);
        await share("123456789012", "CONTRIBUTOR");
        await expect.poll(() => shareResult().textContent()).toContain("Shared with 123456789012 (CONTRIBUTOR)");
        await row("123456789012").waitFor();
        expect(await row("123456789012").getByRole("combobox").inputValue()).toBe("CONTRIBUTOR");
        expect((await upstreamShares(example.emulatorUrl, SEEDED.roomy)).map((s) => s.shared_with)).toEqual(["123456789012"]);
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
      },
      TIMEOUT,
    );

    it("sent every operation as a documentId of the app's manifest, never as text, and across origins (CORS)", async () => {
      const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
      let answered = 0;
      for (const request of gatewayRequests) {
        const body = JSON.parse(request.postData() ?? "{}") as Record<string, unknown>;
        expect(body.query).toBeUndefined();
        expect(Object.keys(manifest)).toContain(body.documentId);
        const response = await request.response();
        // A read the page abandoned (it switched workloads) was cancelled by the page itself.
        if (response === null) {
          expect(request.failure()?.errorText).toBe("net::ERR_ABORTED");
          continue;
        }
        answered++;
        expect(response.status()).toBe(200);
        expect(response.headers()["access-control-allow-origin"]).toBe(new URL(example.appUrl).origin);
      }
      expect(answered).toBeGreaterThanOrEqual(3);
      expect(new URL(example.appUrl).port).not.toBe(new URL(example.gatewayUrl).port);
      const operations = new Set(gatewayRequests.map((r) => (JSON.parse(r.postData() ?? "{}") as { operationName?: string }).operationName));
      expect(operations).toEqual(new Set(["WorkloadShares", "CreateShare"]));
    });
  });

  describe("a ValidationError's FieldErrors are shown at their fields; nothing reaches the upstream", () => {
    it(
      "a 5-character sharedWith: the message appears next to the Shared with field",
      async () => {
        const before = (await upstreamRequests(example.emulatorUrl)).length;
        await share("12345");
        await expect.poll(() => page.getByTestId("sharedWith-error").textContent()).not.toBe("");
        const fieldMessage = (await page.getByTestId("sharedWith-error").textContent()) ?? "";
        expect(fieldMessage.length).toBeGreaterThan(5);
        expect(await page.getByLabel("Shared with").getAttribute("aria-invalid")).toBe("true");
        expect(await shareResult().getAttribute("data-code")).toBe("VALIDATION_ERROR");
        expect(await page.getByTestId("permissionType-error").textContent()).toBe("");
        expect((await upstreamRequests(example.emulatorUrl)).length).toBe(before);
      },
      TIMEOUT,
    );
  });

  describe("conflict, quota and access errors are shown as messages", () => {
    it(
      "sharing with the same account again: ConflictError",
      async () => {
        await share("123456789012");
        await expect.poll(() => shareResult().getAttribute("data-code")).toBe("CONFLICT");
        expect(await shareResult().textContent()).toMatch(/^Conflict: /);
        expect(await shareResult().getAttribute("role")).toBe("alert");
        expect(await page.getByTestId("sharedWith-error").textContent()).toBe("");
      },
      TIMEOUT,
    );

    it(
      "sharing legacy-billing (quota 1, full): ServiceQuotaExceededError",
      async () => {
        await chooseWorkload(SEEDED.full);
        await share("777788889999");
        await expect.poll(() => shareResult().getAttribute("data-code")).toBe("SERVICE_QUOTA_EXCEEDED");
        expect(await shareResult().textContent()).toMatch(/^Quota exceeded: /);
      },
      TIMEOUT,
    );

    it(
      "the upstream refuses the gateway's identity: AccessDeniedError",
      async () => {
        await chooseWorkload(SEEDED.roomy);
        // POST only: the page may read the list again meanwhile, and that read must not take the fault.
        await injectFault(example.emulatorUrl, { workloadId: SEEDED.roomy, method: "POST", kind: "accessDenied", count: 1 });
        await share("210987654321");
        await expect.poll(() => shareResult().textContent()).toMatch(/^Access denied: /);
        expect(await shareResult().getAttribute("data-code")).toMatch(/ACCESS_DENIED|AccessDenied/);
        expect((await upstreamShares(example.emulatorUrl, SEEDED.roomy)).map((s) => s.shared_with)).toEqual(["123456789012"]);
      },
      TIMEOUT,
    );
  });

  describe("a throttled create is retried with the returned clientRequestToken and leaves exactly one share", () => {
    it(
      "shows that it is retrying, succeeds, and every upstream attempt carried the same ClientRequestToken",
      async () => {
        await chooseWorkload(SEEDED.dataLake);
        await fetch(`${example.emulatorUrl}/__emulator/requests`, { method: "DELETE" });
        const pageRequestsBefore = gatewayRequests.length;
        // As many throttles as the gateway's own attempts (UPSTREAM_MAX_ATTEMPTS, default 3): the page gets the
        // ThrottlingError (retryAfterSeconds 1) and retries itself.
        await injectFault(example.emulatorUrl, { workloadId: SEEDED.dataLake, method: "POST", kind: "throttle", count: 3, retryAfter: 1 });
        await share("222233334444");

        await page.getByTestId("share-retrying").waitFor();
        expect(await page.getByTestId("share-retrying").textContent()).toMatch(/retrying in 1 s with the same clientRequestToken/);
        await expect.poll(() => shareResult().textContent(), { timeout: TIMEOUT }).toContain("Shared with 222233334444");
        expect(await page.getByTestId("share-retrying").count()).toBe(0);

        const creates = (await upstreamRequests(example.emulatorUrl)).filter(
          (r) => r.method === "POST" && r.url.startsWith(`/workloads/${SEEDED.dataLake}/shares`),
        );
        expect(creates.length).toBeGreaterThanOrEqual(2);
        const tokens = new Set(creates.map((r) => (JSON.parse(r.body) as { ClientRequestToken: string }).ClientRequestToken));
        expect(tokens.size).toBe(1);

        // The page sent CreateShare twice, the retry with the token the ThrottlingError returned.
        const pageCreates = gatewayRequests
          .slice(pageRequestsBefore)
          .map((r) => JSON.parse(r.postData() ?? "{}") as { operationName: string; variables: { input: { clientRequestToken: string } } })
          .filter((b) => b.operationName === "CreateShare");
        expect(pageCreates).toHaveLength(2);
        expect(pageCreates.map((b) => b.variables.input.clientRequestToken)).toEqual([...tokens, ...tokens]);
        const first = await gatewayRequests.slice(pageRequestsBefore).find((r) => r.postData()?.includes("CreateShare"))?.response();
        const throttled = (await first?.json()) as { data: { createWorkloadShare: { __typename: string; errorToken: string } } };
        expect(throttled.data.createWorkloadShare.__typename).toBe("ThrottlingError");
        expect(throttled.data.createWorkloadShare.errorToken).toBe([...tokens][0]);

        const shares = (await upstreamShares(example.emulatorUrl, SEEDED.dataLake)).filter((s) => s.shared_with === "222233334444");
        expect(shares).toHaveLength(1);
        await row("222233334444").waitFor();
        expect(await row("222233334444").count()).toBe(1);
      },
      TIMEOUT * 2,
    );
  });

  describe("a share's permission is updated and a share is deleted", () => {
    it(
      "changing the permission of a row: UpdateWorkloadShareSuccess, the upstream holds CONTRIBUTOR",
      async () => {
        await row("222233334444").getByRole("combobox").selectOption("CONTRIBUTOR");
        await expect.poll(() => page.getByTestId("list-result").textContent()).toMatch(/is now CONTRIBUTOR/);
        const upstream = (await upstreamShares(example.emulatorUrl, SEEDED.dataLake)).find((s) => s.shared_with === "222233334444");
        expect(upstream?.permission_type).toBe("CONTRIBUTOR");
        expect(await row("222233334444").getByRole("combobox").inputValue()).toBe("CONTRIBUTOR");
      },
      TIMEOUT,
    );

    it(
      "deleting it: DeleteWorkloadShareSuccess, the row and the upstream share are gone",
      async () => {
        await page.getByRole("button", { name: "Delete share with 222233334444" }).click();
        await expect.poll(() => page.getByTestId("list-result").textContent()).toMatch(/^Deleted share /);
        await expect.poll(() => row("222233334444").count()).toBe(0);
        expect((await upstreamShares(example.emulatorUrl, SEEDED.dataLake)).map((s) => s.shared_with)).not.toContain("222233334444");
        const deletes = (await upstreamRequests(example.emulatorUrl)).filter((r) => r.method === "DELETE");
        expect(deletes.at(-1)?.url).toMatch(/ClientRequestToken=/);
      },
      TIMEOUT,
    );
  });

  describe("in trusted-documents-only mode the gateway refuses any document sent as text (HTTP 400 PERSISTED_QUERY_ONLY)", () => {
    async function post(body: unknown, origin?: string): Promise<{ status: number; code: unknown; allowOrigin: string | null }> {
      const response = await fetch(example.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...(origin ? { origin } : {}) },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[]; data?: unknown };
      expect(json.data).toBeUndefined();
      return { status: response.status, code: json.errors?.[0]?.extensions?.code, allowOrigin: response.headers.get("access-control-allow-origin") };
    }

    it("an arbitrary document: 400 PERSISTED_QUERY_ONLY, and nothing reaches the upstream", async () => {
      const before = (await upstreamRequests(example.emulatorUrl)).length;
      const mutation = `mutation { createWorkloadShare(input: {workloadId: "${SEEDED.roomy}", sharedWith: "999988887777", permissionType: READONLY}) { __typename } }`;
      expect(await post({ query: mutation })).toMatchObject({ status: 400, code: "PERSISTED_QUERY_ONLY" });
      expect(await post({ query: "{ __typename }" })).toMatchObject({ status: 400, code: "PERSISTED_QUERY_ONLY" });
      expect((await upstreamRequests(example.emulatorUrl)).length).toBe(before);
    });

    it("even the text of one of the app's own documents (clients send IDs); the app's origin still gets CORS headers", async () => {
      const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
      const text = Object.values(manifest).find((doc) => doc.includes("query WorkloadShares"));
      const origin = new URL(example.appUrl).origin;
      expect(await post({ query: text, variables: { workloadId: SEEDED.roomy } }, origin)).toEqual({ status: 400, code: "PERSISTED_QUERY_ONLY", allowOrigin: origin });
    });

    it("from the page itself (a cross-origin fetch): a document sent as text is refused", async () => {
      const answers = await page.evaluate(async (url) => {
        const send = async (body: unknown) => {
          const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
          return { status: response.status, body: (await response.json()) as unknown };
        };
        return { text: await send({ query: "{ __typename }" }) };
      }, example.gatewayUrl);
      expect(answers.text.status).toBe(400);
      expect(JSON.stringify(answers.text.body)).toContain("PERSISTED_QUERY_ONLY");
    });
  });

  it("the page made no request beyond this machine and threw no uncaught error", () => {
    expect(offMachine).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(example.output()).not.toMatch(/EADDRINUSE|Unhandled|uncaught/i);
  });
});
