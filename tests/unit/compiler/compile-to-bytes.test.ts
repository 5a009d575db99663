import { describe, expect, it } from "vitest";
import { type CompileOptions, type Configuration, compile, compileToBytes } from "~/compiler";
import { LIST_BYTES_BLOCK } from "~/compiler/list-bytes";
import { generateCase } from "./support/generator";
import { Random } from "./support/random";

const FIXED = { now: () => new Date("2025-01-02T03:04:05.000Z"), compilerVersion: "1.2.3" };

const loadFrom =
  (files: Record<string, string>): CompileOptions["loadSource"] =>
  async (source) => {
    if (!Object.hasOwn(files, source)) throw new Error(`not found: ${source}`);
    return files[source];
  };

/** Both compiles of the same input: the text, and the bytes with their blocks. */
async function bothWays(configuration: Configuration, files: Record<string, string>) {
  const options = { loadSource: loadFrom(files), ...FIXED };
  const result = await compile(configuration, options);
  const streamed = await compileToBytes(configuration, options);
  // copied: each block is written over by the next
  const blocks = Array.from(streamed.bytes, (block) => block.slice());
  const joined = new Uint8Array(blocks.reduce((total, block) => total + block.byteLength, 0));
  let at = 0;
  for (const block of blocks) {
    joined.set(block, at);
    at += block.byteLength;
  }
  return { result, streamed, blocks, joined };
}

describe("compileToBytes", () => {
  it("writes compile's text byte for byte, with the same counts and metrics, on 300 random configurations", async () => {
    const random = new Random(19);
    let compiled = 0;
    for (let run = 0; run < 300; run++) {
      const { configuration, files } = generateCase(random);
      const failure = await compile(configuration, { loadSource: loadFrom(files), ...FIXED }).then(
        () => null,
        (error: Error) => error,
      );
      if (failure) {
        // a case the compiler refuses is refused the same way
        await expect(compileToBytes(configuration, { loadSource: loadFrom(files), ...FIXED })).rejects.toThrow(
          failure.message,
        );
        continue;
      }
      compiled++;
      const { result, streamed, joined } = await bothWays(configuration, files);
      expect(new TextDecoder().decode(joined), `case ${run}`).toBe(result.text);
      expect(streamed.ruleCount).toBe(result.ruleCount);
      expect(streamed.metrics).toEqual(result.metrics);
    }
    expect(compiled).toBeGreaterThan(200);
  });

  it("splits a list of several blocks only between whole characters (pairs, non-ASCII, ASCII)", async () => {
    // lines of mixed widths so that block ends fall in every position of every kind of character
    const lines = Array.from({ length: 12_000 }, (_, index) => `||${"é😀ab".repeat(index % 5)}x${index}.example^`);
    const files = { "list.txt": lines.join("\n") };
    const { result, blocks, joined } = await bothWays({ name: "Wide", sources: [{ source: "list.txt" }] }, files);
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) expect(block.byteLength).toBeLessThanOrEqual(LIST_BYTES_BLOCK);
    // each block decodes alone: none ends inside a character
    expect(blocks.map((block) => new TextDecoder("utf-8", { fatal: true }).decode(block)).join("")).toBe(result.text);
    expect(joined).toEqual(new TextEncoder().encode(result.text));
  });

  it("encodes a lone surrogate as the whole text's encoding does (U+FFFD)", async () => {
    const files = { "list.txt": `||a\uD800b.example^\n||c\uDC00.example^\n||d.example^` };
    const { result, joined } = await bothWays({ name: "Lone", sources: [{ source: "list.txt" }] }, files);
    expect(joined).toEqual(new TextEncoder().encode(result.text));
  });

  it("writes the header alone when every rule was removed", async () => {
    const configuration: Configuration = {
      name: "Empty",
      sources: [{ source: "list.txt" }],
      transformations: ["RemoveComments"],
    };
    const { result, joined } = await bothWays(configuration, { "list.txt": "! only a comment" });
    expect(new TextDecoder().decode(joined)).toBe(result.text);
  });
});
