import { describe, expect, it } from "vitest";
import {
  type CompileOptions,
  CompileTooLargeError,
  type Configuration,
  compile,
  MAX_INCLUDES,
  MAX_INPUT_BYTES,
  MAX_LINES,
  MAX_PATTERN_LENGTH,
  MAX_PATTERNS,
  MAX_REGEX_INSTRUCTIONS,
  MAX_SOURCES,
  NO_LIMITS,
  WORKER_LIMITS,
} from "~/compiler";

const MB = 1024 * 1024;

/** Sources served from memory; `loads` counts the calls, `served` the characters handed out. */
function memorySources(files: Record<string, string>) {
  const stats = { loads: 0, served: 0 };
  const loadSource: CompileOptions["loadSource"] = async (source) => {
    if (!Object.hasOwn(files, source)) throw new Error(`not found: ${source}`);
    stats.loads++;
    stats.served += files[source].length;
    return files[source];
  };
  return { loadSource, stats };
}

/** The CompileTooLargeError a compile rejects with (fails the test if it does not). */
async function refusal(configuration: Configuration, files: Record<string, string>, options = {}) {
  const { loadSource, stats } = memorySources(files);
  const error = await compile(configuration, { loadSource, ...options }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CompileTooLargeError);
  return { error: error as CompileTooLargeError, stats };
}

/** A list of distinct rules of about `bytes` characters. */
function rules(bytes: number, prefix = "r"): string {
  const line = (index: number) => `||${prefix}${index}.example.org^\n`;
  const lines: string[] = [];
  for (let index = 0, size = 0; size < bytes; index++) {
    lines.push(line(index));
    size += line(index).length;
  }
  return lines.join("");
}

describe("the compile budget", () => {
  it("the same text named by many sources is charged at each use → input_bytes, before the rest loads", async () => {
    const text = rules(MAX_INPUT_BYTES / 8 - 100);
    const sources = Array.from({ length: MAX_SOURCES }, () => ({ source: "shared.txt" }));
    const { error, stats } = await refusal({ name: "Repeated", sources }, { "shared.txt": text });
    expect(error.limit).toBe("input_bytes");
    expect(error.value).toBe(MAX_INPUT_BYTES);
    expect(error.message).toContain(`limit input_bytes = ${MAX_INPUT_BYTES}`);
    // refused at the ninth use, not after all 32
    expect(stats.loads).toBe(9);
  });

  it("each !#include expansion is charged (twice: it is split into strings) → input_bytes", async () => {
    const part = rules(2 * MB);
    const main = Array.from({ length: MAX_INCLUDES }, () => "!#include part.txt").join("\n");
    const { error, stats } = await refusal(
      { name: "Includes", sources: [{ source: "main.txt" }] },
      { "main.txt": main, "part.txt": part },
    );
    expect(error.limit).toBe("input_bytes");
    expect(stats.loads).toBeLessThan(MAX_INCLUDES);
  });

  it("more includes than the cap, all tiny → includes", async () => {
    const main = Array.from({ length: 100 }, () => "!#include part.txt").join("\n");
    const { error, stats } = await refusal(
      { name: "Includes", sources: [{ source: "main.txt" }] },
      { "main.txt": main, "part.txt": "||a.example^\n" },
    );
    expect(error.limit).toBe("includes");
    expect(error.message).toContain(`more than ${MAX_INCLUDES} !#include lines`);
    expect(stats.loads).toBe(1 + MAX_INCLUDES);
  });

  it("the include cap counts the whole compile, not each source", async () => {
    const perSource = Math.ceil((MAX_INCLUDES + 1) / 2);
    const main = Array.from({ length: perSource }, () => "!#include part.txt").join("\n");
    const { error } = await refusal(
      { name: "Includes", sources: [{ source: "a.txt" }, { source: "b.txt" }] },
      { "a.txt": main, "b.txt": main, "part.txt": "||a.example^\n" },
    );
    expect(error.limit).toBe("includes");
  });

  it("more sources than the cap → sources, before any is loaded", async () => {
    const sources = Array.from({ length: MAX_SOURCES + 1 }, (_, index) => ({ source: `${index}.txt` }));
    const { error, stats } = await refusal({ name: "Many", sources }, {});
    expect(error.limit).toBe("sources");
    expect(stats.loads).toBe(0);
  });

  it("too many patterns (counted after loading exclusions_sources) → patterns", async () => {
    const exclusions = Array.from({ length: MAX_PATTERNS + 1 }, (_, index) => `excluded${index}`).join("\n");
    const { error } = await refusal(
      { name: "Patterns", sources: [{ source: "list.txt", exclusions_sources: ["exclusions.txt"] }] },
      { "list.txt": "||a.example^\n", "exclusions.txt": exclusions },
    );
    expect(error.limit).toBe("patterns");
  });

  it("a pattern longer than the cap → pattern_length", async () => {
    const { error } = await refusal(
      { name: "Long", sources: [{ source: "list.txt" }], exclusions: [`/${"a".repeat(MAX_PATTERN_LENGTH)}/`] },
      { "list.txt": "||a.example^\n" },
    );
    expect(error.limit).toBe("pattern_length");
  });

  it("more lines than the cap, however short → lines", async () => {
    const { error, stats } = await refusal(
      { name: "Lines", sources: [{ source: "list.txt" }] },
      { "list.txt": "a\n".repeat(MAX_LINES + 1) },
    );
    expect(error.limit).toBe("lines");
    expect(stats.loads).toBe(1);
  });

  it("lines are counted as the list holds them: blank lines and CRLF take none, one more line → lines", async () => {
    const limits = { ...WORKER_LIMITS, lines: 3 };
    const { loadSource } = memorySources({ "blank.txt": "\n\na\r\n\r\n\nb\n\n\rc\r\n\n" });
    const result = await compile({ name: "Blank", sources: [{ source: "blank.txt" }] }, { loadSource, limits });
    expect(result.lines.slice(-3)).toEqual(["a", "b", "c"]);
    const { error } = await refusal(
      { name: "Four", sources: [{ source: "four.txt" }] },
      { "four.txt": "a\n\nb\nc\rd" },
      { limits },
    );
    expect(error.limit).toBe("lines");
  });

  it("one hosts line naming more hostnames than Compress may parse (each counts as 4 lines) → lines", async () => {
    const hosts = Array.from({ length: MAX_LINES / 4 + 10 }, (_, index) => `h${index}.io`).join(" ");
    const { error } = await refusal(
      { name: "Hosts", sources: [{ source: "hosts.txt", transformations: ["Compress"] }] },
      { "hosts.txt": `||first.example^\n0.0.0.0 ${hosts}\n` },
    );
    expect(error.limit).toBe("lines");
  });

  // Within the input and line caps a list grows by at most 3 characters a line (Compress), so the
  // output cap is a backstop the default limits never reach; a smaller one shows it works.
  it("a list that transformations make larger than the output cap → output_bytes, before the text is built", async () => {
    const limits = { ...WORKER_LIMITS, output_bytes: 2000 };
    const hosts = Array.from({ length: 200 }, (_, index) => `h${index}.io`).join(" ");
    const { error } = await refusal(
      { name: "Growth", sources: [{ source: "hosts.txt", transformations: ["Compress"] }] },
      { "hosts.txt": `0.0.0.0 ${hosts}\n` },
      { limits },
    );
    expect(error.limit).toBe("output_bytes");
    expect(error.message).toContain("limit output_bytes = 2000");
  });

  it("a list within every cap compiles, and NO_LIMITS lifts them (the CLI's choice)", async () => {
    const sources = Array.from({ length: MAX_SOURCES + 1 }, () => ({ source: "list.txt" }));
    const { loadSource } = memorySources({ "list.txt": "||a.example^\n" });
    await expect(compile({ name: "Within", sources: sources.slice(1) }, { loadSource })).resolves.toBeDefined();
    await expect(compile({ name: "Lifted", sources }, { loadSource, limits: NO_LIMITS })).resolves.toBeDefined();
  });
});

describe("/regex/ patterns on the linear-time engine", () => {
  // On a backtracking engine this one line takes about 20 s (2^30 ways to split the a's).
  it("the nested quantifier /(a+)+$/ on 30 a's and a `!` finishes at once", async () => {
    const { loadSource } = memorySources({
      "list.txt": `${"a".repeat(30)}!\n${"a".repeat(100_000)}!\n||kept.example^\n`,
    });
    const started = performance.now();
    const result = await compile(
      { name: "ReDoS", sources: [{ source: "list.txt" }], exclusions: ["/(a+)+$/", "/(x+x+)+y/", "/(.*a){20}/"] },
      { loadSource },
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.lines.at(-1)).toBe("||kept.example^");
  });

  it("keeps the reference's flags: case-insensitive, and ^/$ at the line's ends", async () => {
    const { loadSource } = memorySources({ "list.txt": "||ADS.example^\n||ads.example.org^\nx||ads.example^\n" });
    const result = await compile(
      { name: "Flags", sources: [{ source: "list.txt" }], exclusions: ["/^\\|\\|ads\\.example\\^$/"] },
      { loadSource },
    );
    expect(result.lines.slice(-2)).toEqual(["||ads.example.org^", "x||ads.example^"]);
  });

  it.each([
    ["/^ads(?=\\.)/", "lookahead"],
    ["/(?<!@@)ads/", "lookbehind"],
    ["/(ads)\\1/", "backreferences"],
    ["/(?<n>a)\\k<n>/", "backreferences"],
    ["/\\Qads/", "\\Q"],
    ["/[[:alpha:]]/", "POSIX classes"],
  ])("%s is refused as a configuration error naming the pattern and why (%s)", async (pattern, why) => {
    const { loadSource } = memorySources({ "list.txt": "||a.example^\n" });
    const compiling = compile(
      { name: "Refused", sources: [{ source: "list.txt" }], exclusions: [pattern] },
      { loadSource },
    );
    await expect(compiling).rejects.toThrow(`exclusions[0]: regular expression ${pattern} is not supported`);
    await expect(compiling).rejects.toThrow(why);
  });

  it("a refused pattern in an exclusions_sources file fails the compile too", async () => {
    const { loadSource } = memorySources({ "list.txt": "||a.example^\n", "exclusions.txt": "/a(?=b)/\n" });
    await expect(
      compile(
        { name: "File", sources: [{ source: "list.txt" }], inclusions_sources: ["exclusions.txt"] },
        { loadSource },
      ),
    ).rejects.toThrow("regular expression /a(?=b)/ is not supported by the linear-time engine (RE2): lookahead");
  });

  it("regular expressions of one level beyond the instruction cap → regex_instructions", async () => {
    const { error } = await refusal(
      { name: "Big", sources: [{ source: "list.txt" }], exclusions: ["/a{600}/", "/b{600}/"] },
      { "list.txt": "||a.example^\n" },
    );
    expect(error.limit).toBe("regex_instructions");
    expect(error.value).toBe(MAX_REGEX_INSTRUCTIONS);
  });

  it("what only RE2 refuses (a repeat count over 1000) fails when the patterns are built", async () => {
    const { loadSource } = memorySources({ "list.txt": "||a.example^\n" });
    await expect(
      compile({ name: "Count", sources: [{ source: "list.txt" }], exclusions: ["/a{1001}/"] }, { loadSource }),
    ).rejects.toThrow(
      "regular expression /a{1001}/ is not supported by the linear-time engine (RE2): invalid repeat count",
    );
  });

  it("\\uXXXX escapes mean the same character", async () => {
    const { loadSource } = memorySources({ "list.txt": "||ads.example^\n||keep.example^\n" });
    const result = await compile(
      { name: "Escapes", sources: [{ source: "list.txt" }], exclusions: ["/\\u0061ds/"] },
      { loadSource },
    );
    expect(result.lines.at(-1)).toBe("||keep.example^");
  });
});
