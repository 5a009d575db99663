import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { substringMatcher } from "~/compiler/substring-matcher";
import { compileWildcard } from "~/compiler/wildcard";
import { Random } from "./support/random";

const require = createRequire(import.meta.url);
const { Wildcard } = require("@adguard/hostlist-compiler/src/utils.js") as {
  Wildcard: new (pattern: string) => { test(line: string): boolean };
};

/** Letters that fold in surprising ways under the `i` flag (ſ, K, ı, İ, ß), plus rule punctuation. */
const ALPHABET = [
  "a",
  "A",
  "b",
  "S",
  "s",
  "k",
  "K",
  "ſ",
  "K",
  "ı",
  "İ",
  "i",
  "ß",
  "ü",
  "Ü",
  ".",
  "^",
  "|",
  "$",
  "/",
  "\\",
  "[",
  "(",
  "1",
  "-",
  " ",
  "#",
  "\u2028",
  "😀",
];

function randomText(random: Random, maxLength: number, extra: string[] = []): string {
  const symbols = [...ALPHABET, ...extra];
  return Array.from({ length: random.int(0, maxLength) }, () => random.pick(symbols)).join("");
}

describe("exclusion and inclusion patterns", () => {
  it("match exactly like the reference's Wildcard (plain, `*` wildcards, /regex/) on random text", () => {
    const random = new Random(2024);
    for (let round = 0; round < 3000; round++) {
      let pattern = randomText(random, 6, ["*", "*", "*"]);
      if (random.chance(0.1)) pattern = `/${pattern.replace(/[()[\\]/g, "")}/`;
      if (!pattern) continue;
      let reference: { test(line: string): boolean };
      try {
        reference = new Wildcard(pattern);
      } catch {
        expect(() => compileWildcard(pattern)).toThrow(/invalid regular expression/);
        continue;
      }
      const ours = compileWildcard(pattern);
      for (let line = 0; line < 10; line++) {
        const text = randomText(random, 12);
        expect(ours.test(text), `${JSON.stringify(pattern)} on ${JSON.stringify(text)}`).toBe(reference.test(text));
      }
    }
  });

  // A backtracking regular expression would take hours here; the test timeout catches a hang.
  it("a wildcard with many `*` finishes on a long line that almost matches", { timeout: 10_000 }, () => {
    expect(compileWildcard("*a*a*a*a*a*b").test("a".repeat(200_000))).toBe(false);
    expect(compileWildcard("*a*a*a*a*a*").test("a".repeat(200_000))).toBe(true);
  });

  it("the substring automaton finds the same lines as `includes` for each pattern", () => {
    const random = new Random(7);
    for (let round = 0; round < 300; round++) {
      const needles = Array.from({ length: random.int(1, 20) }, () => randomText(random, 4)).filter(Boolean);
      if (needles.length === 0) continue;
      const matcher = substringMatcher(needles);
      for (let line = 0; line < 20; line++) {
        const text = randomText(random, 30);
        expect(matcher.test(text)).toBe(needles.some((needle) => text.includes(needle)));
      }
    }
  });
});
