// GraphQL over HTTP conformance: graphql-http's server audits against the
// real gateway (yoga + node:http on loopback, the emulator as its upstream).
// Every MUST and every SHOULD audit is asserted, each as its own test; the
// MAY audits are reported, not asserted (they are optional by definition).
import { serverAudits, type Audit, type AuditResult } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { startTestEmulator } from "./support/emulator.js";
import { startGateway, type TestGateway } from "./support/gateway.js";

let emulator: RunningEmulator | undefined;
let gateway: TestGateway | undefined;

function gatewayUrl(): string {
  if (!gateway) throw new Error("the gateway is not running");
  return gateway.url;
}

const audits = serverAudits({ url: gatewayUrl, fetchFn: fetch });
const byLevel = (level: "MUST" | "SHOULD" | "MAY"): Audit[] => audits.filter((a) => a.name.startsWith(`${level} `));

/** "ok", or the failure with the audit's reason and the status the gateway answered. */
function outcome(result: AuditResult): string {
  if (result.status === "ok") return "ok";
  return `${result.status} (HTTP ${result.response.status}): ${result.reason}`;
}

describe("GraphQL over HTTP: graphql-http server audits against the real gateway", () => {
  beforeAll(async () => {
    emulator = await startTestEmulator();
    gateway = await startGateway(emulator.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
  });

  it("the audit list is the full one (MUST, SHOULD and MAY audits present)", () => {
    expect(byLevel("MUST").length).toBeGreaterThanOrEqual(13);
    expect(byLevel("SHOULD").length).toBeGreaterThanOrEqual(23);
    expect(byLevel("MAY").length).toBeGreaterThan(0);
    expect(byLevel("MUST").length + byLevel("SHOULD").length + byLevel("MAY").length).toBe(audits.length);
  });

  describe("MUST", () => {
    for (const audit of byLevel("MUST")) {
      it(audit.name, async () => {
        expect(outcome(await audit.fn())).toBe("ok");
      });
    }
  });

  describe("SHOULD", () => {
    for (const audit of byLevel("SHOULD")) {
      it(audit.name, async () => {
        expect(outcome(await audit.fn())).toBe("ok");
      });
    }
  });

  it("MAY audits (reported, not required)", async () => {
    const results: string[] = [];
    for (const audit of byLevel("MAY")) {
      const result = await audit.fn();
      expect(result.name).toBe(audit.name);
      results.push(`${outcome(result) === "ok" ? "ok  " : "no  "} ${audit.name}${result.status === "ok" ? "" : ` — ${outcome(result)}`}`);
    }
    const passed = results.filter((line) => line.startsWith("ok")).length;
    console.info(`graphql-http MAY audits: ${passed}/${results.length} pass\n${results.join("\n")}`);
  });
});
