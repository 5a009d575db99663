import { describe, expect, it } from "vitest";
import { CompileTooLargeError, convertCompiledList, NO_LIMITS, OUTPUT_FORMATS } from "~/compiler";
import { compileFixture, FIXTURE_TIME } from "./fixture";

describe("convertCompiledList (a stored adblock list, in another format)", () => {
  it("gives what the compile itself wrote in that format, header and report included", async () => {
    const adblock = await compileFixture(["adblock"]);
    const all = await compileFixture([...OUTPUT_FORMATS]);
    for (const output of all.outputs.filter((candidate) => candidate.format !== "adblock")) {
      const converted = convertCompiledList(adblock.text, output.format, new Date(0));
      expect(converted.text, output.format).toBe(output.text);
      expect(converted.report, output.format).toEqual(output.report);
    }
  });

  it("a list without a Bloqr header is converted whole, dated `now`", () => {
    const converted = convertCompiledList("! some list\n||ads.example.com^\n", "domains", FIXTURE_TIME);
    expect(converted.text).toBe(
      [
        "#",
        "# Title: ",
        "# Last modified: 2026-01-02T03:04:05.000Z",
        "#",
        "# Compiled by Bloqr v",
        "#",
        "# Format: domains, converted from the compiled adblock-syntax list (the source of truth)",
        "#",
        "# some list",
        "ads.example.com",
        "",
      ].join("\n"),
    );
    expect(converted.report.rulesWritten).toBe(1);
  });

  it("a conversion over the output cap → CompileTooLargeError naming it (an RPZ zone is ~2× its list)", () => {
    const list = Array.from({ length: 200 }, (_, index) => `||host${index}.example.org^`).join("\n");
    const limits = { ...NO_LIMITS, output_bytes: list.length * 1.5 };
    expect(convertCompiledList(list, "domains", FIXTURE_TIME, limits).report.rulesWritten).toBe(200);
    expect(() => convertCompiledList(list, "rpz", FIXTURE_TIME, limits)).toThrow(CompileTooLargeError);
    expect(() => convertCompiledList(list, "rpz", FIXTURE_TIME, limits)).toThrow(/limit output_bytes = /);
  });
});
