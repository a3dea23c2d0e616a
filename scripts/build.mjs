// Transpiles src/**/*.ts to dist/ (ES modules, Node 20) with esbuild, file by
// file: `npm start` then runs plain JavaScript, without a TypeScript loader
// thread in the server process. Type checking stays with `npm run typecheck`.
import { readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "src");

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

rmSync(join(root, "dist"), { recursive: true, force: true });
const entryPoints = sources(src);
await build({
  entryPoints,
  outdir: join(root, "dist"),
  outbase: src,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
if (process.argv.includes("--verbose")) console.log(`built ${entryPoints.length} files from ${relative(root, src)}/ into dist/`);
