import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createReloadable, FileLoadError, type Reloadable } from "../src/reload/reloadable-files.js";

const open: Reloadable<unknown>[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

function numberFile(): { file: string; load: () => number } {
  const file = join(mkdtempSync(join(tmpdir(), "reloadable-")), "n.txt");
  writeFileSync(file, "1");
  const load = (): number => {
    const text = readFileSync(file, "utf8");
    if (!/^\d+$/.test(text)) throw new FileLoadError(file, `not a number: ${JSON.stringify(text)}`);
    return Number(text);
  };
  return { file, load };
}

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("files named by the configuration are reloaded, and a bad new set is refused", () => {
  it("throws at creation when the first load fails (startup stops)", () => {
    const { file, load } = numberFile();
    writeFileSync(file, "x");
    expect(() => createReloadable({ what: "numbers", files: [file], load })).toThrow(FileLoadError);
  });

  it("picks up a changed file within two poll intervals", async () => {
    const { file, load } = numberFile();
    const lines: string[] = [];
    const r = createReloadable({ what: "numbers", files: [file], load, pollIntervalMs: 100, log: (l) => lines.push(l) });
    open.push(r);
    expect(r.current).toBe(1);
    writeFileSync(file, "22");
    await eventually(() => r.current === 22);
    expect(lines.some((l) => l.includes("numbers: reloaded"))).toBe(true);
  });

  it("keeps the previous set when the new one is invalid, with a log line naming the problem", async () => {
    const { file, load } = numberFile();
    const lines: string[] = [];
    const r = createReloadable({ what: "numbers", files: [file], load, pollIntervalMs: 100, log: (l) => lines.push(l) });
    open.push(r);
    writeFileSync(file, "not-a-number");
    await eventually(() => lines.some((l) => l.includes("reload refused")));
    expect(r.current).toBe(1);
    expect(lines.join("\n")).toContain("not a number");
  });

  it("reads the files again on SIGHUP", () => {
    const { file, load } = numberFile();
    const r = createReloadable({ what: "numbers", files: [file], load, pollIntervalMs: 60_000, log: () => undefined });
    open.push(r);
    writeFileSync(file, "7");
    process.emit("SIGHUP", "SIGHUP");
    expect(r.current).toBe(7);
  });

  it("stops listening to SIGHUP once closed", () => {
    const { file, load } = numberFile();
    const before = process.listenerCount("SIGHUP");
    const r = createReloadable({ what: "numbers", files: [file], load, log: () => undefined });
    expect(process.listenerCount("SIGHUP")).toBe(before + 1);
    r.close();
    expect(process.listenerCount("SIGHUP")).toBe(before);
  });
});
