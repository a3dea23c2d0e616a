// Graceful shutdown on the real process with real signals (contract
// "Operating"): stop accepting, answer requests arriving on kept-alive
// connections with 503 and Connection: close, let in-flight requests finish
// within SHUTDOWN_TIMEOUT_MS (a repeated signal does not cut that short),
// close the upstream pool, exit 0.
import { connect, type Socket } from "node:net";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { jsonLines, startGatewayProcess, type GatewayProcess } from "./support/process.js";
import { startScriptedUpstream, type ScriptedUpstream } from "./support/scripted-upstream.js";

const WORKLOAD = "0123456789abcdef0123456789abcdef";
const SLOW_CREATED = {
  status: 200,
  delayMs: 1500,
  body: '{"success": true, "data": {"id": "abc123", "created_at": "2025-01-01T00:00:00Z"}}',
};

const running: { gateway?: GatewayProcess; upstream?: ScriptedUpstream }[] = [];
afterEach(async () => {
  for (const { gateway, upstream } of running.splice(0)) {
    gateway?.kill();
    await upstream?.close();
  }
});

function createBody(token: string): string {
  return JSON.stringify({
    query: `mutation($input: CreateWorkloadShareInput!) { createWorkloadShare(input: $input) { __typename } }`,
    variables: { input: { workloadId: WORKLOAD, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: token } },
  });
}

function httpRequestText(body: string, connection: "keep-alive" | "close"): string {
  return (
    `POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: ${connection}\r\n\r\n${body}`
  );
}

/** A raw keep-alive connection: write requests, read everything until the server closes it. */
function openConnection(origin: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(Number(port), hostname);
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    socket.once("error", reject);
    socket.once("connect", () => resolve({ socket, received: () => text, closed }));
  });
}

async function start(env: Record<string, string> = {}): Promise<{ gateway: GatewayProcess; upstream: ScriptedUpstream }> {
  const upstream = await startScriptedUpstream();
  upstream.script(SLOW_CREATED);
  const gateway = await startGatewayProcess({ UPSTREAM_URL: upstream.url, ...env });
  running.push({ gateway, upstream });
  return { gateway, upstream };
}

describe("SIGTERM with slow requests in flight", () => {
  it("finishes them, refuses new ones, 503s a kept-alive connection, ignores a second signal, exits 0", async () => {
    const { gateway, upstream } = await start({ SHUTDOWN_TIMEOUT_MS: "10000" });

    // Three slow requests on their own connections, and one on a raw keep-alive connection.
    const agent = new Agent({ connections: 10 });
    const inFlight = ["t1", "t2", "t3"].map((token) =>
      fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: createBody(token),
        dispatcher: agent,
      } as RequestInit).then(async (r) => ({ status: r.status, body: (await r.json()) as { data: { createWorkloadShare: { __typename: string } } } })),
    );
    const kept = await openConnection(gateway.origin);
    kept.socket.write(httpRequestText(createBody("t4"), "keep-alive"));
    await expect.poll(() => upstream.received.length, { timeout: 10_000 }).toBe(4);

    gateway.child.kill("SIGTERM");
    await expect.poll(() => gateway.stdout(), { timeout: 5_000 }).toMatch(/SIGTERM received, draining/);

    // New connections are refused.
    const refused = await fetch(`${gateway.origin}/health`, { dispatcher: new Agent() } as RequestInit).then(
      () => "answered",
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? String(error),
    );
    expect(refused).toBe("ECONNREFUSED");

    // A request arriving on the kept-alive connection is answered 503 with Connection: close.
    kept.socket.write(httpRequestText(createBody("t5"), "keep-alive"));

    // A repeated signal does not cut the drain short.
    gateway.child.kill("SIGTERM");
    await expect.poll(() => gateway.stdout(), { timeout: 5_000 }).toMatch(/received again, still draining/);

    const results = await Promise.all(inFlight);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.body.data.createWorkloadShare.__typename).toBe("CreateWorkloadShareSuccess");
    }

    await kept.closed;
    const responses = kept.received().split(/(?=HTTP\/1\.1 )/);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(responses[0]).toContain("CreateWorkloadShareSuccess");
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(responses[1]).toMatch(/\r\nconnection: close\r\n/i);
    expect(upstream.received).toHaveLength(4); // the 503'd request never reached the upstream

    expect(await gateway.exited).toBe(0);
    expect(gateway.stdout()).toMatch(/gateway: stopped/);
    // Every request has its log line, the refused one included.
    const lines = jsonLines(gateway.stdout()).filter((line) => line.msg === "request");
    expect(lines.filter((line) => line.status === 200)).toHaveLength(4);
    expect(lines.filter((line) => line.status === 503)).toEqual([expect.objectContaining({ path: "/graphql", draining: true })]);
    await agent.close();
  });
});

describe("SIGINT", () => {
  it("stops an idle gateway at once with exit code 0", async () => {
    const { gateway } = await start();
    const started = Date.now();
    gateway.child.kill("SIGINT");
    expect(await gateway.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("SHUTDOWN_TIMEOUT_MS", () => {
  it("cuts requests still running at the deadline and exits 0", async () => {
    const { gateway, upstream } = await start({ SHUTDOWN_TIMEOUT_MS: "300", UPSTREAM_TIMEOUT_MS: "20000" });
    upstream.script({ ...SLOW_CREATED, delayMs: 15_000 });
    const stuck = fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: createBody("t6") }).then(
      (r) => `HTTP ${r.status}`,
      () => "cut",
    );
    await expect.poll(() => upstream.received.length, { timeout: 10_000 }).toBe(1);
    const signalled = Date.now();
    gateway.child.kill("SIGTERM");
    expect(await gateway.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(8_000);
    expect(await stuck).toBe("cut");
  });
});
