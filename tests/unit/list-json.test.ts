/** JSON answers that write a list's rules from its text, never holding them as an array. */
import { describe, expect, it } from "vitest";
import {
  chunkStream,
  firstLines,
  jsonChunks,
  lineCount,
  RULES_JSON_CHUNK_CHARS,
  RulesArray,
} from "~/services/list-json.server";

const tricky = [
  '! "quoted" \\ back\\nslash',
  "||ads.example.com^",
  "\t tab \u0001 control",
  "é ünï 𝔘 \ud800",
  "",
  "",
].join("\n");

describe("jsonChunks", () => {
  it.each([
    ["a tricky list", tricky],
    ["an empty list", ""],
    ["one line", "||only.example^"],
  ])("%s reads back as the split text, keys in order", (_label, text) => {
    const body = { success: true, rules: new RulesArray(text), ruleCount: 2, metrics: { nested: [1, "x"] } };
    const json = [...jsonChunks(body)].join("");
    expect(json).toBe(JSON.stringify({ ...body, rules: text.split("\n") }));
  });

  it("several lists in one answer (a batch) each become their own array", () => {
    const results = [
      { id: "a", rules: new RulesArray("x\ny") },
      { id: "b", success: false },
      { id: "c", rules: new RulesArray("z") },
    ];
    expect(JSON.parse([...jsonChunks({ results })].join(""))).toEqual({
      results: [
        { id: "a", rules: ["x", "y"] },
        { id: "b", success: false },
        { id: "c", rules: ["z"] },
      ],
    });
  });

  it("a text that spells the placeholder is written as itself", () => {
    const text = '\u0000rules:00000000-0000-0000-0000-000000000000:0"';
    expect(JSON.parse([...jsonChunks({ rules: new RulesArray(text) })].join(""))).toEqual({ rules: [text] });
  });

  it("200k lines come out in bounded chunks, never as one string", () => {
    const text = Array.from({ length: 200_000 }, (_, index) => `||host-${index}.example.com^`).join("\n");
    const chunks = [...jsonChunks({ rules: new RulesArray(text) })];
    // No chunk is more than one slice of escaped lines (plus one line and its quotes and comma).
    const longest = Math.max(...chunks.map((chunk) => chunk.length));
    expect(longest).toBeLessThan(RULES_JSON_CHUNK_CHARS + 64);
    expect(chunks.length).toBeGreaterThan(text.length / RULES_JSON_CHUNK_CHARS);
    expect(JSON.parse(chunks.join("")).rules).toEqual(text.split("\n"));
  });

  it("the byte stream is made as it is read", async () => {
    const text = Array.from({ length: 50_000 }, (_, index) => `||h${index}.example^`).join("\n");
    const generator = jsonChunks({ rules: new RulesArray(text) });
    let made = 0;
    const counted = {
      next: () => {
        made++;
        return generator.next();
      },
    } as Iterator<string>;
    const reader = chunkStream(counted).getReader();
    await reader.read();
    // One read pulls one chunk (and the stream's queue of one), not the whole answer.
    expect(made).toBeLessThanOrEqual(2);
    await reader.cancel();
  });
});

describe("text helpers", () => {
  it("firstLines and lineCount agree with split", () => {
    for (const text of [tricky, "", "a", "a\n", "a\nb\nc"]) {
      expect(firstLines(text, 2)).toEqual(text.split("\n").slice(0, 2));
      expect(firstLines(text, 100)).toEqual(text.split("\n"));
      expect(lineCount(text)).toBe(text.split("\n").length);
    }
  });
});
