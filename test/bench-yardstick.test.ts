// The bench's yardstick (scripts/bench/plain-yoga.ts) must answer the very
// document the bench sends, with the gateway's result shape, or its figures
// compare nothing. No timings here: `npm run bench` measures.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, MEASURABLE_PARTS, readConfig, type MeasurablePart } from "../src/config.js";
import { applyOverrides, ATTRIBUTION, CONFIGURATIONS, selectConfigurations } from "../scripts/bench/configurations.js";
import { attributionTable, roundRatios, summarize, targets, type Measured } from "../scripts/bench/report.js";
import { createPlainYoga } from "../scripts/bench/plain-yoga.js";
import { createBenchUpstream } from "../scripts/bench/upstream.js";
import { isShareSuccess, SHARE_REQUEST_BODY } from "../scripts/bench/workload.js";
import { startGateway, type TestGateway } from "./support/gateway.js";

async function listenOnLoopback(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function postShare(graphqlUrl: string): Promise<{ status: number; text: string }> {
  const response = await fetch(graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: SHARE_REQUEST_BODY });
  return { status: response.status, text: await response.text() };
}

/** The keys of a JSON value, recursively: the result's shape without its values. */
function shapeOf(value: unknown): unknown {
  if (value === null || typeof value !== "object") return typeof value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === "__typename" ? v : shapeOf(v)]));
}

describe("the plain yoga yardstick answers the bench's mutation like the gateway", () => {
  const upstream = createBenchUpstream();
  let upstreamUrl: string;
  let yardstick: ReturnType<typeof createPlainYoga>;
  let yardstickServer: Server;
  let yardstickUrl: string;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstreamUrl = await listenOnLoopback(upstream);
    yardstick = createPlainYoga(upstreamUrl);
    yardstickServer = createServer(yardstick.yoga);
    yardstickUrl = `${await listenOnLoopback(yardstickServer)}/graphql`;
    gateway = await startGateway(upstreamUrl);
  });
  afterAll(async () => {
    await gateway?.close();
    await close(yardstickServer);
    await yardstick?.close();
    await close(upstream);
  });

  it("answers CreateWorkloadShareSuccess with the upstream's share, which the bench's check accepts", async () => {
    const { status, text } = await postShare(yardstickUrl);
    expect(isShareSuccess(status, text)).toBe(true);
    const result = JSON.parse(text).data.createWorkloadShare;
    expect(result.clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.share.id).toMatch(/^[0-9a-f]{32}$/);
    expect(result.share.createdAt).toBe("2025-01-01T00:00:00.000Z");
  });

  it("gives the same result shape as the gateway for the same document", async () => {
    const [plain, production] = await Promise.all([postShare(yardstickUrl), postShare(gateway.url)]);
    expect(production.status).toBe(200);
    expect(shapeOf(JSON.parse(plain.text))).toEqual(shapeOf(JSON.parse(production.text)));
  });
});

describe("an upstream failure through the yardstick counts as a bench error", () => {
  const refusing = createServer((_req, res) => {
    res.writeHead(429, { "content-type": "application/json" });
    res.end('{"success":false,"error":{"code":"THROTTLED","message":"slow down"}}');
  });
  let yardstick: ReturnType<typeof createPlainYoga>;
  let yardstickServer: Server;
  let yardstickUrl: string;
  beforeAll(async () => {
    yardstick = createPlainYoga(await listenOnLoopback(refusing));
    yardstickServer = createServer(yardstick.yoga);
    yardstickUrl = `${await listenOnLoopback(yardstickServer)}/graphql`;
  });
  afterAll(async () => {
    await close(yardstickServer);
    await yardstick?.close();
    await close(refusing);
  });

  it("answers a typed UpstreamError, which the bench's check refuses", async () => {
    const { status, text } = await postShare(yardstickUrl);
    expect(JSON.parse(text).data.createWorkloadShare).toEqual({ __typename: "UpstreamError", code: "THROTTLED" });
    expect(isShareSuccess(status, text)).toBe(false);
  });
});

describe("bench configurations: production always runs, extras by name", () => {
  it("puts production first and adds the named configurations once each", () => {
    expect(selectConfigurations([])).toEqual(["production"]);
    expect(selectConfigurations(["no-heap-flags,production", "no-heap-flags"])).toEqual(["production", "no-heap-flags"]);
  });

  it("refuses an unknown name and lists the known ones", () => {
    expect(() => selectConfigurations(["nope"])).toThrow(/unknown bench configuration nope; known: .*production/);
  });

  it("has a row for each of the start script's V8 flags that the flags' price is measured with", () => {
    const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
    const startFlags = scripts.start.split(/\s+/).filter((a) => a.startsWith("--"));
    expect(startFlags).toContain("--no-concurrent-recompilation");
    // `concurrent-jit` is the start command exactly, less that flag: the price of that one flag.
    expect(CONFIGURATIONS["concurrent-jit"]?.nodeFlags).toEqual(startFlags.filter((f) => f !== "--no-concurrent-recompilation"));
    expect(CONFIGURATIONS["no-maglev"]?.nodeFlags).toEqual(["--no-maglev", ...startFlags.filter((f) => f !== "--no-concurrent-recompilation")]);
    for (const name of ["semi-space-4", "semi-space-2"]) {
      expect(CONFIGURATIONS[name]?.nodeFlags?.filter((f) => !f.startsWith("--max-semi-space-size="))).toEqual(
        startFlags.filter((f) => !f.startsWith("--max-semi-space-size=")),
      );
    }
  });

  it("applies a configuration's environment overrides, null removing a variable", () => {
    expect(applyOverrides({ A: "1", B: "2", C: undefined }, { B: "3", A: null, D: "4" })).toEqual({ B: "3", D: "4" });
  });
});

describe("the bench's attribution (--attribute): one part left out per configuration", () => {
  it("has a row for every part MEASURE_WITHOUT knows, plus caller auth, the fast path and the heap flags", () => {
    for (const part of MEASURABLE_PARTS) expect(ATTRIBUTION[`without-${part}`]?.env).toEqual({ MEASURE_WITHOUT: part });
    expect(ATTRIBUTION["without-caller-auth"]?.env?.AUTH_MODE).toBe("none");
    expect(ATTRIBUTION["without-every-part"]?.env?.MEASURE_WITHOUT?.split(",")).toEqual([...MEASURABLE_PARTS]);
    expect(ATTRIBUTION["yoga-pipeline"]?.env).toEqual({ FAST_PATH: "false" });
    expect(ATTRIBUTION["no-heap-flags"]?.nodeFlags).toEqual([]);
    expect(ATTRIBUTION["concurrent-jit"]).toBe(CONFIGURATIONS["concurrent-jit"]);
    expect(selectConfigurations(Object.keys(ATTRIBUTION))).toEqual(["production", ...Object.keys(ATTRIBUTION)]);
  });

  it("reads MEASURE_WITHOUT as a list of known parts and refuses any other", () => {
    expect(readConfig({}).measureWithout).toEqual([]);
    expect(readConfig({ MEASURE_WITHOUT: " metrics, audit,metrics " }).measureWithout).toEqual(["metrics", "audit"]);
    expect(() => readConfig({ MEASURE_WITHOUT: "metrics,caller-auth" })).toThrow(ConfigError);
    expect(() => readConfig({ MEASURE_WITHOUT: "nope" })).toThrow(/MEASURE_WITHOUT.*unknown part nope; known: request-id/);
  });

  it("pairs each row with production round by round: the cost is the median of the per-round shares", () => {
    const at = (cpu: number): Measured => ({ rps: 1, p50Us: 1, p99Us: 1, errors: 0, requests: 1, cpuUsPerRequest: cpu, firstError: null });
    const table = attributionTable(
      [{ name: "without-metrics", description: "the metrics", production: [300, 600, 350].map(at), row: [285, 540, 343].map(at) }],
      300,
      400,
    );
    // Shares 5%, 10% (a slow round weighs like any other), 2%: median 5% of the main rounds' 300 µs, production 0.75× the plain build.
    expect(table).toContain("| production | nothing: CPU µs/request in the main rounds | – | 300 | 0.75× |");
    expect(table).toContain("| without-metrics | the metrics | 5.0% (2.0% … 10.0%) | 15 | 0.038× |");
  });

  it("gives each round's ratio beside a target's ratio of medians, pairing every figure with the plain build's of the same round", () => {
    const at = (cpu: number, p50: number): Measured => ({ rps: 1, p50Us: p50, p99Us: p50, errors: 0, requests: 1, cpuUsPerRequest: cpu, firstError: null });
    const rounds = {
      1: { direct: [at(0, 100), at(0, 100)], "plain-yoga": [at(400, 500), at(600, 900)], production: [at(300, 400), at(300, 400)] },
      10: { direct: [at(0, 1), at(0, 1)], "plain-yoga": [at(200, 1), at(400, 1)], production: [at(150, 1), at(200, 1)] },
    };
    expect(roundRatios(rounds, 10, "production", "cpu")).toEqual([0.75, 0.5]);
    // (400 − 100) ÷ (500 − 100) and (400 − 100) ÷ (900 − 100)
    expect(roundRatios(rounds, 1, "production", "p50Added")).toEqual([0.75, 0.375]);
    const summaries = Object.fromEntries(
      Object.entries(rounds).map(([c, row]) => [c, Object.fromEntries(Object.entries(row).map(([n, ms]) => [n, summarize(ms, n === "direct" ? null : row.direct)]))]),
    );
    const [cpu, p50] = targets("production", summaries, { production: 100, "plain-yoga": 200 }, rounds);
    // The medians of two rounds are their lower values (the bench's median): 150 ÷ 200 and 300 ÷ 400.
    expect(cpu!.detail).toBe("0.75×; round by round 0.75×, 0.50× (median 0.50×)");
    expect(p50!.detail).toBe("0.75×; round by round 0.75×, 0.38× (median 0.38×)");
  });

  describe("every configuration still serves the bench's mutation (a row with errors measures nothing)", () => {
    const upstream = createBenchUpstream();
    let upstreamUrl: string;
    beforeAll(async () => {
      upstreamUrl = await listenOnLoopback(upstream);
    });
    afterAll(() => close(upstream));

    const rows: string[] = [...MEASURABLE_PARTS, MEASURABLE_PARTS.join(",")];
    it.each(rows)("without %s", async (parts) => {
      const measureWithout = parts.split(",") as MeasurablePart[];
      const gateway = await startGateway(upstreamUrl, { measureWithout, production: true, introspection: false, fieldSuggestions: false });
      try {
        const { status, text } = await postShare(gateway.url);
        expect(isShareSuccess(status, text), text).toBe(true);
      } finally {
        await gateway.close();
      }
    });
  });
});
