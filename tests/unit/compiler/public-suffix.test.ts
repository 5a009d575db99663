import { getPublicSuffix, parse } from "tldts";
import { exceptions, rules, type SuffixTrie } from "tldts/dist/es6/src/data/trie.js";
import { describe, expect, it } from "vitest";
import { isPlainHostname, isPublicSuffix } from "~/compiler/public-suffix";
import { Random } from "./support/random";

/** Every name the trie has a node for, `*` replaced by a label no rule names. */
function trieNames(trie: SuffixTrie): string[] {
  const names: string[] = [];
  const visit = (node: SuffixTrie, suffix: string, depth: number) => {
    for (const [label, next] of Object.entries(node[1])) {
      const name = suffix ? `${label === "*" ? "wild-card" : label}.${suffix}` : label;
      names.push(name);
      if (depth < 8) visit(next, name, depth + 1);
    }
  };
  visit(trie, "", 0);
  return names;
}

/** What the reference asks tldts, for a hostname `isPlainHostname` accepts. */
function tldtsSaysPublicSuffix(hostname: string): boolean {
  return getPublicSuffix(hostname) === hostname;
}

/**
 * Compares with tldts every hostname `isPlainHostname` accepts, alone and read in place inside the
 * lines Validate passes (`||hostname^`, `0.0.0.0 hostname`: dots before the name must not count).
 */
function expectSameAnswers(hostnames: readonly string[]): number {
  let compared = 0;
  for (const hostname of hostnames) {
    if (!isPlainHostname(hostname)) continue;
    compared++;
    const expected = tldtsSaysPublicSuffix(hostname);
    const rule = `||${hostname}^`;
    const hostsLine = `0.0.0.0 ${hostname}`;
    const answers = [
      isPublicSuffix(hostname),
      isPlainHostname(rule, 2, rule.length - 1) && isPublicSuffix(rule, 2, rule.length - 1),
      isPlainHostname(hostsLine, 8) && isPublicSuffix(hostsLine, 8),
    ];
    if (answers.some((answer) => answer !== expected)) {
      expect.fail(`${hostname}: tldts says public suffix = ${expected}, we say ${answers.join(", ")}`);
    }
  }
  return compared;
}

describe("isPublicSuffix", () => {
  const names = [...trieNames(rules), ...trieNames(exceptions)];

  it("agrees with tldts on every rule of the list, and one and two labels below each", () => {
    const below = names.flatMap((name) => [`a.${name}`, `www.${name}`, `city.${name}`, `x-1.sub.${name}`]);
    const compared = expectSameAnswers([...names, ...below]);
    // thousands of rules are plain ASCII names; the rest (IDN) are not plain and go through tldts
    expect(compared).toBeGreaterThan(20_000);
  });

  it("agrees with tldts on random names built from the list's labels", () => {
    const random = new Random(20_250_101);
    const labels = [...new Set(names.flatMap((name) => name.split(".")))].filter((label) => isPlainHostname(label));
    const hostnames = Array.from({ length: 50_000 }, () =>
      Array.from({ length: random.int(1, 5) }, () => random.pick(labels)).join("."),
    );
    expect(expectSameAnswers(hostnames)).toBeGreaterThan(45_000);
  });

  it("answers for single labels, the fast-path suffixes and exceptions like tldts", () => {
    const hostnames = ["com", "localhost", "example", "a.com", "x.de", "de", "co.uk", "a.co.uk", "www.ck", "a.www.ck"];
    expect(expectSameAnswers(hostnames)).toBe(hostnames.length);
    expect(isPublicSuffix("co.uk")).toBe(true);
    expect(isPublicSuffix("www.ck")).toBe(false);
  });
});

describe("isPlainHostname", () => {
  it("accepts only names tldts keeps unchanged and does not take for an IP address", () => {
    const random = new Random(7);
    const word = (alphabet: string[]) =>
      Array.from({ length: random.int(1, 12) }, () => random.pick(alphabet)).join("");
    const plainCharacters = ["a", "z", "0", "9", "-", "."];
    const candidates = [
      ...Array.from({ length: 10_000 }, () => word(plainCharacters)),
      ...Array.from({ length: 10_000 }, () => word([...plainCharacters, "_", "A", "ü", ":", " "])),
      "1.2.3.4",
      "1.2.3.4a",
      "-a.com",
      "a-.com",
      "a.-b.com",
      `${"a".repeat(63)}.com`,
      `${"a".repeat(64)}.com`,
      `${"a.".repeat(127)}a`,
      `${"a.".repeat(128)}a`,
    ];
    let accepted = 0;
    for (const hostname of candidates) {
      if (!isPlainHostname(hostname)) continue;
      accepted++;
      const parsed = parse(hostname);
      expect({ hostname: parsed.hostname, isIp: parsed.isIp }, hostname).toEqual({ hostname, isIp: false });
    }
    expect(accepted).toBeGreaterThan(3000);
    expect(isPlainHostname("-a.com")).toBe(false);
    expect(isPlainHostname("a-.com")).toBe(false);
    expect(isPlainHostname("1.2.3.4")).toBe(false);
    expect(isPlainHostname(`${"a".repeat(64)}.com`)).toBe(false);
  });
});
