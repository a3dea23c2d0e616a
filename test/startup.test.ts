// Contract: configuration from the environment, and `npm start` on a fresh machine.
// These run the real process (node --import tsx src/main.ts), not an in-process server.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { testProjectSwitches } from "./support/process.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function start(script: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...testProjectSwitches(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  children.push(child);
  return { child, output: () => output };
}

/** The README's mutation against the embedded emulator's payments-platform workload succeeds. */
async function expectShareCreated(url: string): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `mutation { createWorkloadShare(input: { workloadId: "0123456789abcdef0123456789abcdef", sharedWith: "123456789012", permissionType: READONLY }) { __typename } }`,
    }),
  });
  expect(await response.json()).toEqual({ data: { createWorkloadShare: { __typename: "CreateWorkloadShareSuccess" } } });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("invalid configuration stops startup with one line naming the variable", () => {
  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ UPSTREAM_TIMEOUT_MS: "-5" }, "UPSTREAM_TIMEOUT_MS"],
    [{ UPSTREAM_MAX_ATTEMPTS: "0" }, "UPSTREAM_MAX_ATTEMPTS"],
    [{ UPSTREAM_URL: "not a url" }, "UPSTREAM_URL"],
    [{ UPSTREAM_URL: "ftp://example.com" }, "UPSTREAM_URL"],
    [{ GRAPHIQL: "yes" }, "GRAPHIQL"],
    [{ EMULATOR_FORMAT: "xml" }, "EMULATOR_FORMAT"],
    [{ NODE_ENV: "production" }, "UPSTREAM_URL"],
    [{ UPSTREAM_URL: "http://127.0.0.1:9", HOST: "0.0.0.0" }, "AUTH_MODE"],
    [{ AUTH_MODE: "bogus" }, "AUTH_MODE"],
    [{ AUTH_MODE: "jwt" }, "JWT_JWKS_URL"],
    [{ AUTH_MODE: "jwt", JWT_JWKS_URL: "ftp://keys.example.com/jwks.json" }, "JWT_JWKS_URL"],
    [{ AUTH_MODE: "jwt", JWT_JWKS_URL: "http://127.0.0.1:9/jwks.json", JWT_SECRET: "never-printed-secret" }, "JWT_SECRET"],
    [{ AUTH_MODE: "jwt", JWT_SECRET: "never-printed-secret", JWT_WRITE_SCOPE: "two words" }, "JWT_WRITE_SCOPE"],
    [{ MAX_DEPTH: "deep" }, "MAX_DEPTH"],
    [{ MAX_WRITE_FIELDS: "0" }, "MAX_WRITE_FIELDS"],
    [{ MAX_TOKENS: "1.5" }, "MAX_TOKENS"],
    [{ CORS_ORIGINS: "https://app.example.com/path" }, "CORS_ORIGINS"],
    [{ NODE_ENV: "production", UPSTREAM_URL: "http://127.0.0.1:9", HOST: "127.0.0.1", CORS_ORIGINS: "*" }, "CORS_ORIGINS"],
    [{ MEASURE_WITHOUT: "metrics,caller-auth" }, "MEASURE_WITHOUT"],
  ])("%o names %s", async (env, variable) => {
    const { child, output } = start("src/main.ts", { PORT: "0", ...env });
    expect(await exitOf(child)).toBe(1);
    const lines = output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(output()).not.toMatch(/\n\s+at /);
    expect(output()).not.toContain("never-printed-secret");
  });

  it("npm run emulator rejects a bad EMULATOR_PORT the same way", async () => {
    const { child, output } = start("src/emulator/main.ts", { EMULATOR_PORT: "99999" });
    expect(await exitOf(child)).toBe(1);
    expect(output().trim()).toMatch(/^config: EMULATOR_PORT/);
  });
});

describe("AUTH_MODE=none beyond loopback", () => {
  it("starts on a non-loopback HOST with ALLOW_UNAUTHENTICATED=true", async () => {
    const { child, output } = start("src/main.ts", {
      PORT: "0",
      HOST: "0.0.0.0",
      UPSTREAM_URL: "http://127.0.0.1:9",
      ALLOW_UNAUTHENTICATED: "true",
    });
    await expect.poll(output, { timeout: 20_000 }).toMatch(/gateway: http:\/\/localhost:\d+\/graphql/);
    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
  });
});

describe("MEASURE_WITHOUT (the bench's attribution)", () => {
  it("says at startup which parts are left out, and that it is for measurement only", async () => {
    const { child, output } = start("src/main.ts", { PORT: "0", UPSTREAM_URL: "http://127.0.0.1:9", MEASURE_WITHOUT: "metrics,audit" });
    await expect.poll(output, { timeout: 20_000 }).toMatch(/gateway: http:\/\/localhost:\d+\/graphql/);
    expect(output()).toContain("MEASURE_WITHOUT=metrics,audit: these parts are left out, for measurement only; never deploy this");
    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
  });
});

describe("npm start with no UPSTREAM_URL", () => {
  it("starts the embedded emulator, says so, prints its workloads, and serves the mutation", async () => {
    const { child, output } = start("src/main.ts", { PORT: "0" });
    await expect.poll(output, { timeout: 20_000 }).toMatch(/gateway: http:\/\/localhost:(\d+)\/graphql/);
    const text = output();
    expect(text).toMatch(/embedded emulator/);
    expect(text).toMatch(/emulator: http:\/\/127\.0\.0\.1:\d+/);
    const workloadLines = text.split("\n").filter((l) => l.startsWith("workload "));
    expect(workloadLines.length).toBeGreaterThanOrEqual(1);
    for (const line of workloadLines) expect(line).toMatch(/^workload [0-9a-f]{32} \S+ \(\d+ shares, quota \d+\)$/);

    const port = /gateway: http:\/\/localhost:(\d+)\/graphql/.exec(text)?.[1];
    await expectShareCreated(`http://127.0.0.1:${port}/graphql`);

    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
  });
});

describe("npm start, exactly as the README says it", () => {
  it("builds, serves GraphiQL to a browser and the mutation to a client, and stops on SIGTERM", async () => {
    let output = "";
    // Its own process group, so the cleanup reaches the node process npm starts.
    const child = spawn("npm", ["start"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", ...testProjectSwitches() },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    const killGroup = (): void => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    };
    try {
      await expect.poll(() => output, { timeout: 40_000 }).toMatch(/gateway: http:\/\/localhost:(\d+)\/graphql/);
      const port = /gateway: http:\/\/localhost:(\d+)\/graphql/.exec(output)?.[1];
      const url = `http://127.0.0.1:${port}/graphql`;

      const page = await fetch(url, { headers: { accept: "text/html,application/xhtml+xml" } });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await page.text()).toContain("<title>Workload share gateway</title>");

      await expectShareCreated(url);

      // As an orchestrator stops it: SIGTERM to npm, which passes it on to the gateway.
      child.kill("SIGTERM");
      const code = await exitOf(child);
      expect(output).toContain("gateway: stopped");
      expect(code).toBe(0);
    } finally {
      killGroup();
    }
  }, 60_000);
});
