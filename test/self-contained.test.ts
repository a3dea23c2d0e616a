// A user's clone has nothing beside it: no test, script, source file or
// configuration may read from outside the repository (.ci/run alone looks
// for ../shared, and only when it is there).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", ".git", "dist", "dist-bench", "coverage", "bench-results", ".ci"]);
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|sh)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return CODE.test(name) && name !== "package-lock.json" ? [path] : [];
  });
}

describe("the repository stands on its own", () => {
  it("no code or configuration names the ../shared folder beside the clone", () => {
    const offenders = files(root).filter((file) => /\.\.\/shared\//.test(readFileSync(file, "utf8")));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
