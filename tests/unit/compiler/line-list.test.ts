import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { LineList } from "~/compiler/line-list";
import { RangeSet, rangeHash } from "~/compiler/range-set";
import { splitSourceText } from "~/compiler/source-lines";
import { deduplicate } from "~/compiler/transformations/deduplicate";
import { Random } from "./support/random";

const PIECES = ["a", "b", "||x.org^", " ", "\t", "\r", "\n", "\r\n", "\n\n", "\u2028", "\ufeff", "é", "例"];

function randomText(random: Random, length: number): string {
  let text = "";
  while (text.length < length) text += random.pick(PIECES);
  return text;
}

describe("LineList", () => {
  it("splits a text exactly as trim().split(/[\\r\\n]+/) does", () => {
    const random = new Random(7);
    for (let round = 0; round < 500; round++) {
      const text = randomText(random, random.int(0, 40));
      expect(LineList.fromText(text).toArray(), JSON.stringify(text)).toEqual(splitSourceText(text));
    }
  });

  it("filters, maps, trims and prepends in place, and joins the result with \\n", () => {
    const lines = LineList.fromText("b\n  keep  \n!drop\nbblastb");
    lines.keepFlagged(Uint8Array.from(lines.toArray(), (line) => (line.startsWith("!") ? 0 : 1)));
    lines.map((line) => line.trim());
    lines.trimRanges((code) => code === 98 /* b */);
    lines.prepend(["! header", "!"]);
    lines.push("");
    lines.flush();
    expect(lines.toArray()).toEqual(["! header", "!", "", "keep", "last", ""]);
    expect(lines.takeText()).toBe("! header\n!\n\nkeep\nlast\n");
    expect(lines.length).toBe(0);
  });

  it("rewrites lines into several, in order, even before any line was dropped", () => {
    const lines = LineList.fromText(["two", "drop", "three", "one"].join("\n"));
    const copies: Record<string, number> = { two: 2, drop: 0, three: 3, one: 1 };
    lines.rewrite((index, writer) => {
      // a line is read before its slot can be written
      const line = lines.get(index);
      for (let copy = 0; copy < copies[line]; copy++) {
        if (copy === 0) writer.keep();
        else writer.write(`${line}+${copy}`);
      }
    });
    expect(lines.toArray()).toEqual(["two", "two+1", "three", "three+1", "three+2", "one"]);
  });

  it("rewrites like flatMap on random expansions and drops", () => {
    const random = new Random(11);
    for (let round = 0; round < 200; round++) {
      const input = Array.from({ length: random.int(1, 30) }, (_, index) => `line${index}`);
      const counts = input.map(() => random.int(0, 4));
      const expected = input.flatMap((line, index) =>
        Array.from({ length: counts[index] }, (_, copy) => (copy === 0 ? line : `${line}.${copy}`)),
      );
      const lines = LineList.fromArray(input);
      lines.rewrite((index, writer) => {
        const line = lines.get(index);
        for (let copy = 0; copy < counts[index]; copy++) {
          if (copy === 0) writer.keep();
          else writer.write(`${line}.${copy}`);
        }
      });
      expect(lines.toArray()).toEqual(expected);
    }
  });

  it("joins non-ASCII lines, lone surrogates included, exactly like Array.prototype.join", () => {
    const input = ["||пример.рф^", "\ud800 lone", "ascii", "例え"];
    const lines = LineList.fromArray(input);
    expect(lines.takeText()).toBe(input.join("\n"));
    const ascii = LineList.fromArray(["a", "b"]);
    expect(ascii.takeText()).toBe("a\nb");
    expect(new LineList().takeText()).toBe("");
  });

  it("puts the leading lines before the list's, as one join of both, whichever of them is not ASCII", () => {
    const heads = [[], [""], ["! Title: list"], ["! Title: Liste für Kinder", "!"], ["! \ud83d\ude00"]];
    const bodies = [[], [""], ["||a.org^", "b"], ["||пример.рф^", "x"], ["a", "\ud800"]];
    for (const head of heads) {
      for (const body of bodies) {
        const lines = LineList.fromArray(body);
        expect(lines.takeText(head), JSON.stringify([head, body])).toBe([...head, ...body].join("\n"));
        expect(lines.length).toBe(0);
      }
    }
  });

  it("appends another list's lines after its own", () => {
    const list = LineList.fromText("one\ntwo");
    list.push("!");
    list.append(LineList.fromText("three\nfour"));
    expect(list.toArray()).toEqual(["one", "two", "!", "three", "four"]);
  });

  it("keeps its unique-rule flags with their lines while lines are removed, and forgets them on any other change", () => {
    const marked = () => {
      const lines = LineList.fromText("||a.org^\n!c\n||b.org^\nx");
      lines.markUniqueRules(Uint8Array.of(1, 0, 1, 0));
      return lines;
    };
    const kept = marked().keepFlagged(Uint8Array.of(0, 1, 1, 1));
    expect(kept.toArray()).toEqual(["!c", "||b.org^", "x"]);
    expect([...kept.uniqueRules()!.subarray(0, kept.length)]).toEqual([0, 1, 0]);
    const changes: [string, (lines: LineList) => void][] = [
      ["map", (lines) => lines.map((line) => line)],
      ["rewrite", (lines) => lines.rewrite((_, writer) => writer.keep())],
      ["trimRanges", (lines) => lines.trimRanges(() => false)],
      ["push", (lines) => lines.push("||a.org^")],
      ["prepend", (lines) => lines.prepend(["||a.org^"])],
      ["append", (lines) => lines.append(LineList.fromText("||b.org^"))],
    ];
    for (const [name, change] of changes) {
      const lines = marked();
      change(lines);
      expect(lines.uniqueRules(), name).toBeNull();
    }
  });

  it("lets go of a text once no line is a range of it", () => {
    const before = heapUsedAfterCollecting();
    const list = (() => {
      const source = LineList.fromText(largeText());
      source.append(LineList.fromText("kept one\nkept two"));
      const keep = new Uint8Array(source.length);
      for (let index = 0; index < source.length; index++) {
        keep[index] = source.textOf(index).startsWith("kept", source.startOf(index)) ? 1 : 0;
      }
      return source.keepFlagged(keep);
    })();
    list.releaseUnusedTexts();
    expect(heapUsedAfterCollecting() - before).toBeLessThan(LARGE_TEXT_BYTES / 4);
    expect(list.toArray()).toEqual(["kept one", "kept two"]);
  });

  it("takes its text without its sources staying reachable through RegExp's last match", () => {
    const before = heapUsedAfterCollecting();
    const text = (() => {
      const list = LineList.fromText(largeText());
      // a line read as a string is a slice of the source, and the last match keeps its subject
      expect(/rule/.test(list.get(5))).toBe(true);
      return list.takeText();
    })();
    // the output alone, not the output and its source
    expect(heapUsedAfterCollecting() - before).toBeLessThan(LARGE_TEXT_BYTES * 1.5);
    expect(text.length).toBe(LARGE_TEXT_BYTES - 1);
  });
});

const LARGE_TEXT_BYTES = 8 * 2 ** 20;

/** A text of `LARGE_TEXT_BYTES` one-byte characters: lines of 16, each long enough to be read as a slice. */
function largeText(): string {
  const lines = Array.from(
    { length: LARGE_TEXT_BYTES / 16 },
    (_, index) => `rule-${index.toString(36).padStart(10, "0")}\n`,
  );
  return lines.join("");
}

function heapUsedAfterCollecting(): number {
  setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as () => void;
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

describe("RangeSet", () => {
  it("agrees with a Set of the same strings", () => {
    const random = new Random(3);
    const keys = Array.from({ length: 5000 }, () => randomText(random, random.int(0, 6)));
    const text = keys.join("");
    const starts: number[] = [];
    let offset = 0;
    for (const key of keys) {
      starts.push(offset);
      offset += key.length;
    }
    const set = new RangeSet(
      { textOf: () => text, startOf: (id) => starts[id], endOf: (id) => starts[id] + keys[id].length },
      4,
    );
    const expected = new Set<string>();
    keys.forEach((key, id) => {
      const size = expected.size;
      expected.add(key);
      expect(set.add(id)).toBe(expected.size !== size);
    });
    for (const probe of [...keys.slice(0, 200), "absent", "zz", ""]) {
      expect(set.has(probe, 0, probe.length, rangeHash(probe, 0, probe.length))).toBe(expected.has(probe));
    }
  });

  it("stays correct and bounded when every key has the same hash", () => {
    // 2^10 distinct keys made of two colliding blocks: a list crafted to defeat the table
    const pairs = collidingPairs();
    const keys: string[] = [""];
    for (let round = 0; round < 10; round++)
      keys.splice(0, keys.length, ...keys.flatMap((key) => pairs.map((pair) => key + pair)));
    expect(new Set(keys.map((key) => rangeHash(key, 0, key.length))).size).toBe(1);
    const doubled = [...keys, ...keys];
    const set = new RangeSet({ textOf: (id) => doubled[id], startOf: () => 0, endOf: (id) => doubled[id].length });
    const started = performance.now();
    const added = doubled.map((_, id) => set.add(id));
    expect(added.filter(Boolean)).toHaveLength(keys.length);
    expect(added.slice(keys.length).some(Boolean)).toBe(false);
    for (const key of keys) expect(set.has(key, 0, key.length, rangeHash(key, 0, key.length))).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

/**
 * Two different strings of the same length with the same `rangeHash`, by the birthday paradox.
 * The hash is polynomial, so any concatenation of such blocks collides with any other of as many.
 */
function collidingPairs(): [string, string] {
  const random = new Random(5);
  const seen = new Map<number, string>();
  for (;;) {
    const block = Array.from({ length: 8 }, () => String.fromCharCode(random.int(97, 122))).join("");
    const hash = rangeHash(block, 0, block.length);
    const other = seen.get(hash);
    if (other !== undefined && other !== block) return [other, block];
    seen.set(hash, block);
  }
}

describe("Deduplicate in groups", () => {
  it("keeps the last of each repeated rule across many groups, as a walk from the end with a Set does", () => {
    // 100 000 rules: the rules are split into several groups by hash (see `deduplicate.ts`)
    const random = new Random(13);
    const lines: string[] = [];
    for (let index = 0; index < 100_000; index++) {
      lines.push(index > 0 && random.chance(0.3) ? random.pick(lines) : `||${randomText(random, 3)}${index}.org^`);
    }
    const seen = new Set<string>();
    const expected: string[] = [];
    for (let index = lines.length - 1; index >= 0; index--) {
      if (seen.has(lines[index])) continue;
      seen.add(lines[index]);
      expected.push(lines[index]);
    }
    expect(deduplicate(LineList.fromArray(lines)).toArray()).toEqual(expected.reverse());
  });
});
