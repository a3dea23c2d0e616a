// The README is the front door and docs/ the manual: every relative link in
// them must reach a file that exists and, with a #fragment, a heading in it
// (anchors as GitHub makes them, with github-slugger).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith(".md") ? [path] : [];
  });
}

/** The text outside fenced code blocks and inline code spans, where links live. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** Link targets: inline `[text](target)` and reference definitions `[id]: target`. */
export function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? "");
  const definitions = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm)].map((m) => m[1] ?? "");
  return [...inline, ...definitions];
}

/** The anchors GitHub gives the headings of a markdown file. */
export function headingAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const heading = (match[1] ?? "").replace(/`([^`]*)`/g, "$1").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    anchors.add(slugger.slug(heading));
  }
  return anchors;
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");
}

/** Every broken relative link of one file, as "target: why". */
function brokenLinks(file: string): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(readFileSync(file, "utf8"))) {
    if (isExternal(target)) continue;
    const [pathPart = "", fragment] = target.split("#", 2);
    const linked = pathPart === "" ? file : resolve(dirname(file), decodeURIComponent(pathPart));
    if (!existsSync(linked)) {
      problems.push(`${target}: no file ${relative(root, linked)}`);
      continue;
    }
    if (fragment === undefined || fragment === "") continue;
    if (!linked.endsWith(".md")) {
      problems.push(`${target}: a #fragment on a file that is not markdown`);
      continue;
    }
    if (!headingAnchors(readFileSync(linked, "utf8")).has(decodeURIComponent(fragment))) {
      problems.push(`${target}: no heading #${fragment} in ${relative(root, linked)}`);
    }
  }
  return problems;
}

const files = [join(root, "README.md"), ...(existsSync(join(root, "docs")) ? markdownFiles(join(root, "docs")) : [])];

describe("relative links in README.md and docs/ reach an existing file and heading", () => {
  it.each(files.map((f) => [relative(root, f), f]))("%s", (_name, file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it("the README stays a front door (at most about 10 KB)", () => {
    expect(statSync(join(root, "README.md")).size).toBeLessThanOrEqual(10_240);
  });
});

describe("the link checker itself", () => {
  it("finds inline and reference links outside code, and not inside it", () => {
    const md = "See [a](docs/a.md#x) and [b][r].\n\n[r]: ./b.md\n\n```sh\n[no](missing.md)\n```\nand `[no](inline.md)`";
    expect(linkTargets(md)).toEqual(["docs/a.md#x", "./b.md"]);
  });

  it("makes GitHub's anchors, code spans and duplicates included", () => {
    const anchors = headingAnchors("# Title\n## Callers: `AUTH_MODE`\n## Title\n```\n# not a heading\n```\n");
    expect([...anchors]).toEqual(["title", "callers-auth_mode", "title-1"]);
  });
});
