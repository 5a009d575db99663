import { describe, expect, it } from "vitest";
import { type CompileResult, type Configuration, compile, TRANSFORMATION_NAMES } from "~/compiler";
import { Random } from "./support/random";

/**
 * Hostile or degenerate sources must give a result or a clear error, never a crash or a hang. Each
 * input goes through every transformation (in two runs, as validations cannot be combined) plus
 * wildcard exclusions, the steps most likely to backtrack. The test timeout catches a hang.
 */
const HANG_GUARD_MS = 30_000;
const ONE_MEGABYTE = 1024 * 1024;

const WITHOUT_VALIDATION = TRANSFORMATION_NAMES.filter((name) => !name.startsWith("Validate"));
const CONFIGURATIONS: Configuration[] = [
  {
    name: "all transformations with Validate",
    sources: [{ source: "input", transformations: [...WITHOUT_VALIDATION, "Validate"] }],
    exclusions: ["*a*a*a*a*b", "*.*.*.*^x"],
  },
  {
    name: "all transformations with ValidateAllowIpAndPublicSuffix",
    sources: [{ source: "input" }],
    transformations: [...WITHOUT_VALIDATION, "ValidateAllowIpAndPublicSuffix"],
    inclusions: ["*a*b*c*d*e*", "/./"],
  },
];

/** Transformations that keep a well-formed rule, to check the lines around the hostile one survive. */
const KEEPING: Configuration = {
  name: "keeping",
  sources: [
    { source: "input", transformations: ["TrimLines", "RemoveComments", "Compress", "RemoveModifiers", "Deduplicate"] },
  ],
};

async function compileEverywhere(text: string): Promise<CompileResult[]> {
  const results: CompileResult[] = [];
  for (const configuration of CONFIGURATIONS) {
    results.push(await compile(configuration, { loadSource: async () => text }));
  }
  return results;
}

function binaryGarbage(seed: number, length: number): string {
  const random = new Random(seed);
  const bytes = Uint8Array.from({ length }, () => random.int(0, 255));
  return new TextDecoder().decode(bytes);
}

describe("robustness", { timeout: HANG_GUARD_MS }, () => {
  const longLines: [string, string][] = [
    ["letters", "a".repeat(ONE_MEGABYTE)],
    ["dotted labels", `||${"a.".repeat(ONE_MEGABYTE / 2)}^`],
    ["a hosts entry", `0.0.0.0 ${"b".repeat(ONE_MEGABYTE)}`],
    ["blanks then # and U+2028", `0${" ".repeat(ONE_MEGABYTE)}#\u2028`],
    ["non-ASCII", "ü".repeat(ONE_MEGABYTE)],
    ["non-ASCII labels", `${"ü.".repeat(ONE_MEGABYTE / 2)}de`],
    ["1 KB non-ASCII domains", `${"ü.".repeat(511)}de `.repeat(ONE_MEGABYTE / 1024)],
    ["modifiers", `||a.example^$${"important,".repeat(ONE_MEGABYTE / 10)}`],
    ["an IP-like pattern", "1.".repeat(ONE_MEGABYTE / 2)],
  ];
  for (const [shape, line] of longLines) {
    it(`a 1 MB line of ${shape} compiles`, async () => {
      const text = `||first.example^\n${line}\n||last.example^\n`;
      for (const result of await compileEverywhere(text)) expect(result.lines.length).toBeGreaterThan(0);
      const kept = await compile(KEEPING, { loadSource: async () => text });
      expect(kept.lines).toContain("||first.example^");
      expect(kept.lines).toContain("||last.example^");
    });
  }

  it("binary garbage compiles (invalid UTF-8 already decoded to U+FFFD, NULs, lone CRs)", async () => {
    for (const result of await compileEverywhere(binaryGarbage(1, 256 * 1024))) {
      expect(result.lines.length).toBeGreaterThan(0);
    }
  });

  it("a UTF-8 byte order mark is not part of the first rule", async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("||ads.example.com^\n")]);
    // Node's readFile keeps the mark (TextDecoder would drop it); the compiler must cope either way.
    const withMark = `\uFEFF${new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(3))}`;
    const result = await compile(KEEPING, { loadSource: async () => withMark });
    expect(result.lines.at(-1)).toBe("||ads.example.com^");
    for (const everywhere of await compileEverywhere(withMark)) expect(everywhere.ruleCount).toBe(1);
  });

  it("a source of only comments gives a list without rules", async () => {
    for (const result of await compileEverywhere("! Title: nothing\n# hosts comment\n!\n####\n")) {
      expect(result.ruleCount).toBe(0);
    }
  });

  it("an empty source gives a list without rules (the reference's single empty line)", async () => {
    const plain = await compile({ name: "empty", sources: [{ source: "input" }] }, { loadSource: async () => "" });
    expect(plain.lines.slice(-2)).toEqual(["!", ""]);
    for (const result of await compileEverywhere("")) expect(result.ruleCount).toBe(0);
    for (const result of await compileEverywhere(" \r\n\t\n")) expect(result.ruleCount).toBe(0);
  });
});
