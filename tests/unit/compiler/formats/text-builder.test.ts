import { describe, expect, it } from "vitest";
import { TextBuilder } from "~/compiler/formats/text-builder";
import { Random } from "../support/random";

const PIECES = ["a", "example.org", "0.0.0.0 ", " CNAME .", "é", "日本", "😀", "\u2028"];

describe("TextBuilder (a format's output, written in blocks)", () => {
  it("gives exactly the lines joined with \\n, across block ends, for non-ASCII and for lines longer than a block", () => {
    const random = new Random(17);
    const lines: string[] = [];
    const builder = new TextBuilder();
    // several blocks' worth (a block is 256 KB): short lines, a few far longer than a block
    while (lines.length < 60_000) {
      const long = random.chance(0.0005);
      const length = long ? random.int(300_000, 600_000) : random.int(0, 12);
      const parts = Array.from({ length: long ? 1 : length }, () => random.pick(PIECES));
      const line = long ? random.pick(PIECES).repeat(length) : parts.join("");
      lines.push(line);
      if (random.chance(0.5)) builder.push(line);
      else {
        // written in parts, as an entry is (prefix, a range of the name, suffix)
        builder.newLine();
        let cut = random.int(0, line.length);
        // not inside a surrogate pair: entries are cut at hostname ends, never inside a character
        if (cut > 0 && line.charCodeAt(cut - 1) >= 0xd800 && line.charCodeAt(cut - 1) <= 0xdbff) cut--;
        builder.write(line, 0, cut);
        builder.write(line, cut);
      }
    }
    const blocks = builder.blocks();
    // each block decodes on its own: none ends inside a character
    const text = blocks.map((block) => new TextDecoder("utf-8", { fatal: true }).decode(block)).join("");
    const expected = lines.join("\n");
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
  });

  it("no lines → no bytes", () => {
    expect(new TextBuilder().blocks()).toEqual([]);
  });
});
