import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { substringMatcher } from "~/compiler/substring-matcher";
import { compileWildcard, loadRegexEngine } from "~/compiler/wildcard";
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

/**
 * Where RE2 and JavaScript's regular expressions read text differently (docs/compiler.md,
 * deviations): ſ folds to s in RE2 only, `.` and `^`/`$` treat U+2028 as a line break in
 * JavaScript only, and `.` is one UTF-16 unit there but a whole emoji in RE2. Each is shown on an
 * example in deviations.test.ts; the random comparison of `/regex/` patterns leaves them out.
 */
const REGEX_DEVIATIONS = ["\u017f", "\u2028", "\u{1f600}"];
const REGEX_ALPHABET = ALPHABET.filter((symbol) => !REGEX_DEVIATIONS.includes(symbol));

function randomText(random: Random, maxLength: number, extra: string[] = [], alphabet = ALPHABET): string {
  const symbols = [...alphabet, ...extra];
  return Array.from({ length: random.int(0, maxLength) }, () => random.pick(symbols)).join("");
}

beforeAll(loadRegexEngine);

describe("exclusion and inclusion patterns", () => {
  it("match exactly like the reference's Wildcard (plain, `*` wildcards, /regex/) on random text", () => {
    const random = new Random(2024);
    for (let round = 0; round < 3000; round++) {
      let pattern = randomText(random, 6, ["*", "*", "*"]);
      if (random.chance(0.1)) pattern = `/${pattern.replace(/[()[\\]/g, "")}/`;
      if (!pattern) continue;
      const regex = pattern.length > 2 && pattern.startsWith("/") && pattern.endsWith("/");
      if (regex && REGEX_DEVIATIONS.some((symbol) => pattern.includes(symbol))) continue;
      let reference: { test(line: string): boolean };
      try {
        reference = new Wildcard(pattern);
      } catch {
        expect(() => compileWildcard(pattern)).toThrow(/invalid regular expression/);
        continue;
      }
      const ours = compileWildcard(pattern);
      for (let line = 0; line < 10; line++) {
        const text = randomText(random, 12, [], regex ? REGEX_ALPHABET : ALPHABET);
        expect(ours.test(text), `${JSON.stringify(pattern)} on ${JSON.stringify(text)}`).toBe(reference.test(text));
      }
    }
  });

  it("/regex/ syntax that both engines read alike matches like the reference on random rules", () => {
    const patterns = [
      "/^ad[0-9]+\\.example\\.(com|net)$/",
      "/\\$(third-party|3p)/",
      "/^@@/",
      "/[^a-z0-9.|^]/",
      "/(ads?|track(er|ing))\\d*\\./",
      "/\\bads\\b/",
      "/^\\|\\|[a-z]{2,5}\\.[a-z]+\\^$/",
      "/x{2,}|y+?z/",
      "/\\x41\\u0042\\w\\W\\s\\S\\D/",
      "/(?:a|b)*c$/",
      "/(?<name>ab)c/",
    ];
    const random = new Random(15);
    const symbols = [
      "a",
      "b",
      "c",
      "d",
      "s",
      "x",
      "y",
      "z",
      "A",
      "B",
      "S",
      "1",
      "9",
      ".",
      "|",
      "^",
      "$",
      "@",
      "-",
      " ",
      "_",
      "\t",
    ];
    for (const pattern of patterns) {
      const reference = new Wildcard(pattern);
      const ours = compileWildcard(pattern);
      for (let line = 0; line < 2000; line++) {
        const text = Array.from({ length: random.int(0, 16) }, () => random.pick(symbols)).join("");
        expect(ours.test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(reference.test(text));
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
