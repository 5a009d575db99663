/**
 * Round trip through the real servers' own checkers: dnsmasq, unbound-checkconf and
 * named-checkzone (Debian: dnsmasq-base, unbound, bind9-utils; .ci/run installs them). A test whose
 * tool is missing is skipped with the reason printed, never passed silently.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, type OutputFormat } from "~/compiler";
import { generateBenchmarkCorpus } from "../support/generator";
import { Random } from "../support/random";
import { compileFixture } from "./fixture";

const directory = mkdtempSync(join(tmpdir(), "bloqr-formats-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Generated lines besides the fixture: many names, IDN, odd rules, what a real list has. */
const CORPUS_LINES = 20_000;
const TOOL_TIMEOUT_MS = 60_000;

/** Where the tool is, or null (PATH, then the sbin directories a non-root PATH may lack). */
function findTool(name: string): string | null {
  for (const directory of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin"]) {
    const path = join(directory, name);
    if (spawnSync("test", ["-x", path]).status === 0) return path;
  }
  return null;
}

async function outputsToCheck(format: OutputFormat): Promise<{ name: string; text: string }[]> {
  const fixture = await compileFixture([format]);
  const corpus = await compile(
    {
      name: "Generated",
      sources: [{ source: "corpus.txt" }],
      transformations: ["Validate", "RemoveComments", "Compress", "Deduplicate", "TrimLines", "RemoveEmptyLines"],
    },
    { loadSource: async () => generateBenchmarkCorpus(new Random(17), CORPUS_LINES), formats: [format] },
  );
  expect(corpus.outputs[0].report.rulesWritten).toBeGreaterThan(1000);
  return [
    { name: "fixture", text: fixture.text },
    { name: "corpus", text: corpus.text },
  ];
}

const CHECKS: { format: OutputFormat; tool: string; package: string; args: (file: string) => string[] }[] = [
  { format: "dnsmasq", tool: "dnsmasq", package: "dnsmasq-base", args: (file) => ["--test", `--conf-file=${file}`] },
  { format: "unbound", tool: "unbound-checkconf", package: "unbound", args: (file) => [file] },
  // the zone's origin is the server's to choose; rpz.local as in BIND's examples
  { format: "rpz", tool: "named-checkzone", package: "bind9-utils", args: (file) => ["-q", "rpz.local", file] },
];

describe("the formats load in the servers that read them", () => {
  for (const check of CHECKS) {
    const path = findTool(check.tool);
    it(`${check.format}: ${check.tool} accepts the output`, async (context) => {
      if (path === null) {
        const reason = `${check.tool} is not installed (Debian package ${check.package}): ${check.format} not checked`;
        console.warn(`SKIPPED: ${reason}`);
        context.skip(reason);
        return;
      }
      for (const { name, text } of await outputsToCheck(check.format)) {
        const file = join(directory, `${name}.${check.format}`);
        writeFileSync(file, text);
        const result = spawnSync(path, check.args(file), { encoding: "utf8", timeout: TOOL_TIMEOUT_MS });
        expect(result.status, `${check.tool} on the ${name}: ${result.stdout}${result.stderr}`).toBe(0);
      }
    });
  }

  it("rejects what is broken, so a pass means something", async (context) => {
    const tools = CHECKS.map((check) => ({ ...check, path: findTool(check.tool) }));
    const available = tools.filter((tool) => tool.path !== null);
    if (available.length === 0) {
      console.warn("SKIPPED: none of dnsmasq, unbound-checkconf, named-checkzone is installed");
      context.skip("no checker installed");
      return;
    }
    const broken: Partial<Record<OutputFormat, string>> = {
      dnsmasq: "address=/ads.example.com\nnonsense-option=1\n",
      unbound: 'server:\nlocal-zone: "ads.example.com." not_a_type\n',
      rpz: "ads.example.com CNAME .\n",
    };
    for (const tool of available) {
      const file = join(directory, `broken.${tool.format}`);
      writeFileSync(file, broken[tool.format] ?? "");
      const result = spawnSync(tool.path!, tool.args(file), { encoding: "utf8", timeout: TOOL_TIMEOUT_MS });
      expect(result.status, `${tool.tool} accepted a broken file`).not.toBe(0);
    }
  });
});
