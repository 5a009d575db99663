/**
 * The README's and /docs' shell examples run as written against the e2e stack (`npm run dev`),
 * after the one documented setup line, `eval "$(npm run -s dev:env)"`. Each README block tagged
 * `sh example` runs in its own bash (so it must be self-contained) with `set -euo pipefail` and
 * curl failing on any 4xx/5xx; what a `# → …` comment shows must appear in its output, in order
 * (`…` stands for anything within a line). Other shell blocks must say why they are not run
 * (`sh setup`: installs or starts things; `sh production`: needs a real deployment).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

const RUN_TIMEOUT_MS = 60_000;
const SHELL_BLOCK = /^( *)```(sh|bash|shell)\b([^\n]*)\n([\s\S]*?)^\1```$/gm;
const NOT_RUN_TAGS = new Set(["setup", "production"]);

interface Block {
  line: number;
  tag: string;
  code: string;
}

function shellBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(SHELL_BLOCK)].map((match) => ({
    line: markdown.slice(0, match.index).split("\n").length,
    tag: match[3].trim(),
    code: match[4].replace(new RegExp(`^${match[1]}`, "gm"), ""),
  }));
}

/** `# → …` lines, as patterns: the text literally, `…` for anything on the same line. */
function expectations(code: string): RegExp[] {
  return [...code.matchAll(/^\s*# → (.*)$/gm)].map(
    ([, shown]) =>
      new RegExp(
        shown
          .split("…")
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
          .join("[^\\n]*?"),
      ),
  );
}

/** Runs one example the way a reader pastes it into a terminal set up with the documented line. */
function runExample(code: string) {
  const script = [
    "set -euo pipefail",
    'eval "$(npm run -s dev:env)"',
    // A failed request fails the example; a newline after each answer keeps them apart.
    'curl() { command curl --fail-with-body --show-error "$@"; echo; }',
    code,
  ].join("\n");
  const child = spawnSync("bash", ["-c", script], {
    encoding: "utf8",
    timeout: RUN_TIMEOUT_MS,
    env: { ...process.env, BLOQR_DATA_DIR: process.env.E2E_DATA_DIR },
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

function expectShown(output: string, patterns: RegExp[], where: string) {
  let rest = output;
  for (const pattern of patterns) {
    const found = pattern.exec(rest);
    expect(found, `${where}: expected ${pattern} in the output after the previous one:\n${output}`).not.toBeNull();
    rest = rest.slice((found?.index ?? 0) + (found?.[0].length ?? 0));
  }
}

const readme = shellBlocks(readFileSync("README.md", "utf8"));

test("every shell block in the README is run here or says why not", () => {
  expect(readme.length).toBeGreaterThan(0);
  for (const block of readme) {
    expect(["example", ...NOT_RUN_TAGS], `README.md:${block.line} has \`sh ${block.tag}\``).toContain(block.tag);
  }
});

for (const block of readme.filter((candidate) => candidate.tag === "example")) {
  test(`README.md:${block.line} runs as written and prints what it shows`, () => {
    const result = runExample(block.code);
    expect(result.status, `README.md:${block.line} failed:\n${result.stderr}\n${result.stdout}`).toBe(0);
    expectShown(result.stdout, expectations(block.code), `README.md:${block.line}`);
  });
}

test("every example on /docs runs as written", async ({ request }) => {
  const html = await (await request.get("/docs")).text();
  const examples = [...html.matchAll(/<pre[^>]*><code>([\s\S]*?)<\/code><\/pre>/g)].map(([, code]) =>
    code
      .replaceAll("&quot;", '"')
      .replaceAll("&#x27;", "'")
      .replaceAll("&#39;", "'")
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">")
      .replaceAll("&amp;", "&"),
  );
  expect(examples.length).toBeGreaterThan(10);
  // One terminal for all of them (the setup line once); a marker before each tells them apart.
  const marker = (index: number) => `@@ example ${index} @@`;
  const result = runExample(examples.map((code, index) => `echo '${marker(index)}'\n${code}`).join("\n"));
  const failed = examples[result.stdout.split("@@ example ").length - 2];
  expect(result.status, `/docs example failed:\n${failed}\n${result.stderr}`).toBe(0);
  for (const [index, code] of examples.entries()) {
    const output = result.stdout.split(marker(index))[1].split(marker(index + 1))[0];
    expect(output.trim(), `/docs example printed nothing:\n${code}`).not.toBe("");
  }
});
