import { describe, expect, it } from "vitest";
import { compile, convertCompiledList, OUTPUT_FORMATS } from "~/compiler";

/** Rules that name one host in several ways, so a plain `||host^` meets the same name again. */
const SOURCE = [
  "||a.example^",
  "0.0.0.0 a.example",
  "||B.example^",
  "||b.example^",
  "|c.example^",
  "||c.example^",
  "127.0.0.1 d.example e.example",
  "||e.example^",
  "||d.example^",
  "||f.example^",
  "@@||f.example^",
  "||g.example^",
  "@@|sub.g.example^",
  "||h.example^",
  "||h.example^",
].join("\n");

describe("hostname formats after a list-level Deduplicate", () => {
  it("write the same files and counts as a pass that looks every name up", async () => {
    const formats = OUTPUT_FORMATS.filter((format) => format !== "adblock");
    const result = await compile(
      { name: "Unique", sources: [{ source: "list.txt" }], transformations: ["Deduplicate"] },
      { loadSource: async () => SOURCE, formats: ["adblock", ...formats], now: () => new Date(0) },
    );
    for (const output of result.outputs.slice(1)) {
      const converted = convertCompiledList(result.text, output.format, new Date(0));
      expect(output.text).toBe(converted.text);
      expect(output.report).toEqual(converted.report);
    }
    // a, b, c, d and e each once (h twice was one line, which Deduplicate removed)
    const hosts = result.outputs.find((output) => output.format === "hosts")!;
    expect(hosts.report.dropped.duplicate?.count).toBe(5);
  });
});
