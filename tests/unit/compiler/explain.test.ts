import { describe, expect, it } from "vitest";
import {
  type CompileEvent,
  type Configuration,
  compile,
  EXPLAIN_EXAMPLES_PER_REASON,
  EXPLAIN_MAX_TRACED_LINES,
  type Explanation,
  lookupHost,
  type RemovedRule,
} from "~/compiler";
import { CompileBudget } from "~/compiler/budget";
import { applyExclusions, applyInclusions, loadPatterns } from "~/compiler/exclusions";
import type { ChangeCode, RemovalCode, StepObserver } from "~/compiler/explain";
import { LineList } from "~/compiler/line-list";
import { compress } from "~/compiler/transformations/compress";
import { deduplicate } from "~/compiler/transformations/deduplicate";
import { removeComments } from "~/compiler/transformations/remove-comments";
import { removeEmptyLines } from "~/compiler/transformations/remove-empty-lines";
import { removeModifiers } from "~/compiler/transformations/remove-modifiers";
import { validate } from "~/compiler/transformations/validate";
import { validateAllowIp } from "~/compiler/transformations/validate-allow-ip";

/** An observer that records what a step reports. */
function recorder() {
  const removed: { line: string; code: RemovalCode; detail?: string }[] = [];
  const changed: { before: string; after: string; code: ChangeCode }[] = [];
  const unmatched: string[] = [];
  const observer: StepObserver = {
    removed: (line, code, detail) => removed.push(detail === undefined ? { line, code } : { line, code, detail }),
    changed: (before, after, code) => changed.push({ before, after, code }),
    unmatchedPatterns: (patterns) => unmatched.push(...patterns),
  };
  return { observer, removed, changed, unmatched };
}

const list = (...lines: string[]) => LineList.fromArray(lines);

describe("each step reports the rules it removes, with its reason", () => {
  it("RemoveComments → comment", () => {
    const { observer, removed } = recorder();
    const out = removeComments(list("! about", "||a.example.org^", "# note"), observer);
    expect(out.toArray()).toEqual(["||a.example.org^"]);
    expect(removed).toEqual([
      { line: "! about", code: "comment" },
      { line: "# note", code: "comment" },
    ]);
  });

  it("RemoveEmptyLines → empty", () => {
    const { observer, removed } = recorder();
    removeEmptyLines(list("||a.example.org^", "", "  "), observer);
    expect(removed.map((entry) => entry.code)).toEqual(["empty", "empty"]);
  });

  it("Deduplicate → duplicate, and the comment above a removed duplicate goes with it", () => {
    const { observer, removed } = recorder();
    const out = deduplicate(list("! first", "||a.example.org^", "||a.example.org^"), observer);
    expect(out.toArray()).toEqual(["||a.example.org^"]);
    expect(removed).toEqual([
      { line: "! first", code: "comment_of_removed_rule" },
      { line: "||a.example.org^", code: "duplicate" },
    ]);
  });

  it("Compress → covered by ||parent^, naming the parent as a rule even when it came from a hosts line", () => {
    const { observer, removed, changed } = recorder();
    const out = compress(list("||ads.example.com^", "0.0.0.0 com", "||criteo.com^", "||a.example.org^"), observer);
    expect(out.toArray()).toEqual(["||com^", "||a.example.org^"]);
    expect(removed).toEqual([
      { line: "||ads.example.com^", code: "covered", detail: "||com^" },
      { line: "||criteo.com^", code: "covered", detail: "||com^" },
    ]);
    expect(changed).toEqual([{ before: "0.0.0.0 com", after: "||com^", code: "converted" }]);
  });

  it("Compress → duplicate for a second rule of the same hostname", () => {
    const { observer, removed } = recorder();
    compress(list("||a.example.org^", "0.0.0.0 a.example.org"), observer);
    expect(removed).toEqual([{ line: "0.0.0.0 a.example.org", code: "duplicate" }]);
  });

  it("Compress → the covered hostnames of an /etc/hosts line naming several", () => {
    const { observer, removed } = recorder();
    const out = compress(list("||example.org^", "0.0.0.0 ads.example.org other.example.net"), observer);
    expect(out.toArray()).toEqual(["||example.org^", "||other.example.net^"]);
    expect(removed).toEqual([{ line: "||ads.example.org^", code: "covered", detail: "||example.org^" }]);
  });

  it("Validate → invalid, with Validate's reason", () => {
    const { observer, removed } = recorder();
    const out = validate(list("||com^", "||a.example.org^", "||b.example.org^$popup", "ab*", "||1.2.3.4^"), observer);
    expect(out.toArray()).toEqual(["||a.example.org^"]);
    expect(removed).toEqual([
      { line: "||com^", code: "invalid", detail: "com is a public suffix: it would block every site under it" },
      {
        line: "||b.example.org^$popup",
        code: "invalid",
        detail: "the modifier $popup is not supported by DNS blockers",
      },
      { line: "ab*", code: "invalid", detail: "the pattern is shorter than 5 characters: it would match too much" },
      { line: "||1.2.3.4^", code: "invalid", detail: "1.2.3.4 is an IP address" },
    ]);
  });

  it("ValidateAllowIp keeps the IP rule and reports the rest with their reasons", () => {
    const { observer, removed } = recorder();
    const out = validateAllowIp(list("||1.2.3.4^", "||org^"), observer);
    expect(out.toArray()).toEqual(["||1.2.3.4^"]);
    expect(removed.map((entry) => entry.line)).toEqual(["||org^"]);
  });

  it("RemoveModifiers → modifier removed, as a change of the rule it keeps", () => {
    const { observer, changed } = recorder();
    const out = removeModifiers(
      list("||a.example.org^$third-party", "||b.example.org^", " ||c.example.org^ "),
      observer,
    );
    expect(out.toArray()).toEqual(["||a.example.org^", "||b.example.org^", "||c.example.org^"]);
    expect(changed).toEqual([
      { before: "||a.example.org^$third-party", after: "||a.example.org^", code: "modifier_removed" },
    ]);
  });

  it("Exclusions → excluded by <pattern>, and the patterns that matched nothing", async () => {
    const patterns = await loadPatterns(["ads", "*.net^", "never"], [], async () => [], new CompileBudget());
    const { observer, removed, unmatched } = recorder();
    const out = applyExclusions(
      list("||ads.example.org^", "||a.example.net^", "||ok.example.org^"),
      patterns!,
      observer,
    );
    expect(out.toArray()).toEqual(["||ok.example.org^"]);
    expect(removed).toEqual([
      { line: "||ads.example.org^", code: "excluded", detail: "ads" },
      { line: "||a.example.net^", code: "excluded", detail: "*.net^" },
    ]);
    expect(unmatched).toEqual(["never"]);
  });

  it("Inclusions → not included", async () => {
    const patterns = await loadPatterns(["example.org"], [], async () => [], new CompileBudget());
    const { observer, removed } = recorder();
    applyInclusions(list("||a.example.org^", "||b.example.net^"), patterns!, observer);
    expect(removed).toEqual([{ line: "||b.example.net^", code: "not_included" }]);
  });

  it("without an observer a step gives the same list", () => {
    const lines = ["! c", "0.0.0.0 com", "||ads.example.com^", "||ads.example.com^", "||x.example.org^$popup"];
    for (const step of [removeComments, compress, deduplicate, validate, removeModifiers]) {
      expect(step(list(...lines)).toArray()).toEqual(step(list(...lines), recorder().observer).toArray());
    }
  });
});

const COM_CONFIGURATION: Configuration = {
  name: "Ads",
  sources: [
    { name: "Ad servers", source: "ads.txt" },
    { name: "Hosts", source: "hosts.txt" },
    { name: "Empty", source: "empty.txt" },
  ],
  transformations: ["RemoveComments", "Compress", "Validate", "Deduplicate", "InsertFinalNewLine"],
  exclusions: ["never-matches.example"],
};

const COM_FILES: Record<string, string> = {
  "ads.txt": "! ad servers\n||googlesyndication.com^\n||criteo.com^\n||ads.example.org^\n||ads.example.org^\n",
  "hosts.txt": "0.0.0.0 com\n0.0.0.0 tracker.example.net\n",
  "empty.txt": "! nothing here\n",
};

async function explainCom() {
  const events: CompileEvent[] = [];
  const result = await compile(COM_CONFIGURATION, {
    loadSource: async (source) => COM_FILES[source],
    explain: true,
    onEvent: (event) => events.push(event),
  });
  return { result, events, explanation: result.explained!.explanation };
}

function listStep(explanation: Explanation, name: string) {
  return explanation.steps.find((step) => step.scope === "list" && step.name === name)!;
}

describe("compile with explain", () => {
  it("a hosts line `0.0.0.0 com`: the .com rules are covered by ||com^ from source 2, Validate removes it, a warning says so", async () => {
    const { result, explanation } = await explainCom();
    expect(result.text).not.toContain("criteo");
    const covered = listStep(explanation, "Compress").reasons.find((reason) => reason.reason === "covered")!;
    expect(covered.count).toBe(2);
    expect(covered.examples[0]).toMatchObject({
      rule: "||googlesyndication.com^",
      source: 0,
      parent: { rule: "||com^", original: "0.0.0.0 com", source: 1 },
    });
    const invalid = listStep(explanation, "Validate").reasons.find((reason) => reason.reason === "invalid")!;
    expect(invalid.examples[0]).toMatchObject({
      rule: "||com^",
      source: 1,
      detail: expect.stringContaining("public suffix"),
    });
    const warning = explanation.warnings.find((candidate) => candidate.code === "public_suffix")!;
    expect(warning).toMatchObject({ covered: 2, removedBy: "Validate" });
    expect(warning.message).toBe(
      "||com^ (from 0.0.0.0 com) in source 2 blocks a whole public suffix; Compress dropped 2 rules it covered, then Validate removed it.",
    );
  });

  it("warns about a source that contributed nothing and an exclusion that matched nothing", async () => {
    const { explanation } = await explainCom();
    expect(explanation.warnings.map((warning) => warning.code).sort()).toEqual([
      "empty_source",
      "public_suffix",
      "unused_exclusion",
    ]);
    expect(explanation.warnings.find((warning) => warning.code === "empty_source")).toMatchObject({ sourceIndex: 2 });
    expect(explanation.warnings.find((warning) => warning.code === "unused_exclusion")).toMatchObject({
      pattern: "never-matches.example",
      scope: "list",
    });
  });

  it("counts add up: the sources' lines plus their header lines are what the first list step reads", async () => {
    const { explanation } = await explainCom();
    const sourceLines = explanation.sources.reduce((total, source) => total + source.linesKept, 0);
    expect(explanation.list.sourceLines).toBe(sourceLines);
    expect(explanation.list.headerLines).toBe(3 * 4);
    const listSteps = explanation.steps.filter((step) => step.scope === "list");
    expect(listSteps[0].linesIn).toBe(sourceLines + explanation.list.headerLines);
    for (const step of explanation.steps) expect(step.linesIn - step.removed + step.added).toBe(step.linesOut);
    for (const [index, step] of listSteps.slice(1).entries()) expect(step.linesIn).toBe(listSteps[index].linesOut);
  });

  it("streams each step's explanation, then the whole explanation before done", async () => {
    const { events } = await explainCom();
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === "step_explained")).toHaveLength(
      types.filter((type) => type === "transformation").length,
    );
    expect(types.slice(-2)).toEqual(["explanation", "done"]);
  });

  it("why isn't criteo.com in my list? — the rule, its source, and the ||com^ that covered it", async () => {
    const { result } = await explainCom();
    const lookup = lookupHost(result.explained!, "criteo.com");
    expect(lookup.entries).toHaveLength(1);
    expect(lookup.entries[0] as RemovedRule).toMatchObject({
      rule: "||criteo.com^",
      source: 0,
      reason: "covered",
      step: "Compress",
      parent: { rule: "||com^", source: 1 },
    });
    expect(lookupHost(result.explained!, "example.com").entries).toEqual([]);
  });

  it("keeps at most EXPLAIN_EXAMPLES_PER_REASON examples per reason, and counts them all", async () => {
    const many = Array.from({ length: EXPLAIN_EXAMPLES_PER_REASON + 5 }, (_, index) => `||ad${index}.example.com^`);
    const result = await compile(
      { name: "x", sources: [{ source: "a" }], transformations: ["Compress"] },
      { loadSource: async () => ["||example.com^", ...many].join("\n"), explain: true },
    );
    const covered = result.explained!.explanation.steps[0].reasons[0];
    expect(covered.count).toBe(many.length);
    expect(covered.examples).toHaveLength(EXPLAIN_EXAMPLES_PER_REASON);
  });

  it("past EXPLAIN_MAX_TRACED_LINES it keeps counts, examples and warnings but no trace", async () => {
    const rules = Array.from({ length: EXPLAIN_MAX_TRACED_LINES }, (_, index) => `||ad${index}.example.com^`);
    const result = await compile(
      { name: "x", sources: [{ source: "a" }], transformations: ["Compress", "Validate"] },
      { loadSource: async () => ["0.0.0.0 com", ...rules].join("\n"), explain: true },
    );
    const { explanation, trace } = result.explained!;
    expect(explanation.traceTruncated).toBe(true);
    expect(trace).toEqual([]);
    expect(explanation.steps[0].reasons[0]).toMatchObject({ reason: "covered", count: rules.length });
    expect(explanation.warnings[0]).toMatchObject({
      code: "public_suffix",
      covered: rules.length,
      removedBy: "Validate",
    });
  });

  it("without explain there is no explanation and no explanation event", async () => {
    const events: CompileEvent[] = [];
    const result = await compile(COM_CONFIGURATION, {
      loadSource: async (source) => COM_FILES[source],
      onEvent: (event) => events.push(event),
    });
    expect(result.explained).toBeUndefined();
    expect(events.some((event) => event.type === "explanation" || event.type === "step_explained")).toBe(false);
  });
});
