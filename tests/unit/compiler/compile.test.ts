import { describe, expect, it } from "vitest";
import { type CompileEvent, type CompileOptions, type Configuration, ConfigurationError, compile } from "~/compiler";

const FIXED_NOW = () => new Date("2025-01-02T03:04:05.000Z");

/** Sources served from memory, keyed by name; every load is recorded. */
function memorySources(files: Record<string, string>) {
  const loaded: string[] = [];
  const loadSource: CompileOptions["loadSource"] = async (source) => {
    loaded.push(source);
    if (!(source in files)) throw new Error(`not found: ${source}`);
    return files[source];
  };
  return { loadSource, loaded };
}

async function compileFiles(
  configuration: Configuration,
  files: Record<string, string>,
  options: Partial<CompileOptions> = {},
) {
  return compile(configuration, { ...memorySources(files), now: FIXED_NOW, compilerVersion: "1.2.3", ...options });
}

/** What follows the list header and the single source's header. */
function rulesOf(lines: string[]): string[] {
  return lines.slice(lines.indexOf("! Source: list.txt") + 2);
}

describe("compile", () => {
  it("returns the lines, the text and the rule count, with the reference's header", async () => {
    const result = await compileFiles(
      {
        name: "My list",
        description: "Blocks ads",
        version: "2.0",
        homepage: "https://example.org",
        license: "MIT",
        sources: [{ name: "Main", source: "list.txt" }],
        transformations: ["InsertFinalNewLine"],
      },
      { "list.txt": "! comment\n||ads.example.com^\n\n  \n0.0.0.0 tracker.example.org\n" },
    );
    expect(result.lines).toEqual([
      "!",
      "! Title: My list",
      "! Description: Blocks ads",
      "! Version: 2.0",
      "! Homepage: https://example.org",
      "! License: MIT",
      "! Last modified: 2025-01-02T03:04:05.000Z",
      "!",
      "! Compiled by Bloqr v1.2.3",
      "!",
      "!",
      "! Source name: Main",
      "! Source: list.txt",
      "!",
      "! comment",
      "||ads.example.com^",
      "  ",
      "0.0.0.0 tracker.example.org",
      "",
    ]);
    expect(result.text).toBe(result.lines.join("\n"));
    expect(result.text.endsWith("0.0.0.0 tracker.example.org\n")).toBe(true);
    expect(result.ruleCount).toBe(2);
  });

  it("without InsertFinalNewLine the text does not end with a newline, like the reference's output file", async () => {
    const result = await compileFiles(
      { name: "x", sources: [{ source: "list.txt" }] },
      { "list.txt": "||a.example.com^\n" },
    );
    expect(result.text.endsWith("||a.example.com^")).toBe(true);
  });

  it("runs transformations in the fixed order, whatever order the configuration lists them in", async () => {
    const files = { "list.txt": "! about a\n||a.example.com^\n||a.example.com^\n  ||b.example.com^  \n" };
    const forward = await compileFiles(
      { name: "x", sources: [{ source: "list.txt" }], transformations: ["TrimLines", "Deduplicate", "RemoveComments"] },
      files,
    );
    const backward = await compileFiles(
      { name: "x", sources: [{ source: "list.txt" }], transformations: ["RemoveComments", "Deduplicate", "TrimLines"] },
      files,
    );
    expect(forward.lines).toEqual(backward.lines);
    expect(forward.lines.slice(-2)).toEqual(["||a.example.com^", "||b.example.com^"]);
  });

  it("applies source-level exclusions and inclusions, then list-level ones", async () => {
    const result = await compileFiles(
      {
        name: "x",
        sources: [{ source: "list.txt", exclusions: ["ads"], inclusions: ["*EXAMPLE*"] }],
        exclusions_sources: ["exclusions.txt"],
      },
      {
        "list.txt":
          "||ads.example.com^\n||tracker.example.com^\n||cdn.example.org^\n||other.test^\n||Ads.example.net^\n",
        "exclusions.txt": "! plain, wildcard and regex patterns\n/^\\|\\|cdn\\./\n",
      },
    );
    // "ads" is case-sensitive, the `*` wildcard is not; the regex comes from an exclusions source
    expect(rulesOf(result.lines)).toEqual(["||tracker.example.com^", "||Ads.example.net^"]);
  });

  it("resolves !#if blocks and !#include next to the including source", async () => {
    const result = await compileFiles(
      { name: "x", sources: [{ source: "https://lists.example/dir/main.txt" }] },
      {
        "https://lists.example/dir/main.txt":
          "!#if adguard\n||hidden.example^\n!#else\n||shown.example^\n!#endif\n!#include part.txt\n",
        "https://lists.example/dir/part.txt": "! Diff-Path: patches/1.patch\n||included.example^\n",
      },
    );
    expect(result.lines.slice(-2)).toEqual(["||shown.example^", "||included.example^"]);
  });

  it("refuses an include from another origin and too deep includes", async () => {
    const otherOrigin = compileFiles(
      { name: "x", sources: [{ source: "https://lists.example/main.txt" }] },
      { "https://lists.example/main.txt": "!#include https://elsewhere.example/x.txt\n" },
    );
    await expect(otherOrigin).rejects.toThrow(/an include from another origin is rejected/);
    const itself = compileFiles(
      { name: "x", sources: [{ source: "self.txt" }] },
      { "self.txt": "!#include self.txt\n" },
    );
    await expect(itself).rejects.toThrow(/includes are nested deeper than 8 levels/);
  });

  it("reports progress events in order, and the same numbers as metrics", async () => {
    const events: CompileEvent[] = [];
    const result = await compileFiles(
      {
        name: "x",
        sources: [
          { source: "a.txt", transformations: ["RemoveComments"] },
          { source: "b.txt", exclusions: ["tracker"] },
        ],
        transformations: ["Deduplicate"],
      },
      { "a.txt": "! c\n||a.example^\n", "b.txt": "||a.example^\n||tracker.example^\n" },
      { onEvent: (event) => events.push(event) },
    );
    expect(events).toEqual([
      { type: "source_start", sourceIndex: 0, source: "a.txt", name: undefined },
      {
        type: "transformation",
        scope: "source",
        sourceIndex: 0,
        name: "RemoveComments",
        linesBefore: 2,
        linesAfter: 1,
      },
      { type: "source_done", sourceIndex: 0, source: "a.txt", linesLoaded: 2, linesKept: 1, headerLines: 3 },
      { type: "source_start", sourceIndex: 1, source: "b.txt", name: undefined },
      { type: "transformation", scope: "source", sourceIndex: 1, name: "Exclusions", linesBefore: 2, linesAfter: 1 },
      { type: "source_done", sourceIndex: 1, source: "b.txt", linesLoaded: 2, linesKept: 1, headerLines: 3 },
      // the earlier duplicate goes, and with it the comments above it: source a's header
      {
        type: "transformation",
        scope: "list",
        sourceIndex: undefined,
        name: "Deduplicate",
        linesBefore: 8,
        linesAfter: 4,
      },
      { type: "done", lineCount: 10, ruleCount: 1 },
    ]);
    expect(result.metrics).toEqual({
      sources: [
        { sourceIndex: 0, source: "a.txt", linesLoaded: 2, linesKept: 1, headerLines: 3 },
        { sourceIndex: 1, source: "b.txt", linesLoaded: 2, linesKept: 1, headerLines: 3 },
      ],
      steps: events.filter((event) => event.type === "transformation").map(({ type: _type, ...step }) => step),
      formats: [{ format: "adblock", rulesRead: 1, rulesWritten: 1, dropped: {}, narrowed: {}, widened: {} }],
      linesLoaded: 4,
      lineCount: 10,
      ruleCount: 1,
    });
  });

  it("stops between steps when the signal aborts, and passes the signal to loadSource", async () => {
    const controller = new AbortController();
    const signals: (AbortSignal | undefined)[] = [];
    const loaded: string[] = [];
    const compilation = compile(
      { name: "x", sources: [{ source: "a.txt" }, { source: "b.txt" }] },
      {
        loadSource: async (source, signal) => {
          loaded.push(source);
          signals.push(signal);
          controller.abort(new Error("cancelled by the user"));
          return "||a.example^";
        },
        signal: controller.signal,
      },
    );
    await expect(compilation).rejects.toThrow("cancelled by the user");
    expect(loaded).toEqual(["a.txt"]);
    expect(signals).toEqual([controller.signal]);
  });

  it("a failing source rejects with its error; an invalid configuration with a ConfigurationError", async () => {
    await expect(compileFiles({ name: "x", sources: [{ source: "missing.txt" }] }, {})).rejects.toThrow(
      "not found: missing.txt",
    );
    const invalid = { name: "x", sources: [{ source: "a.txt", type: "dns" }] } as unknown as Configuration;
    await expect(compileFiles(invalid, { "a.txt": "" })).rejects.toBeInstanceOf(ConfigurationError);
  });
});
