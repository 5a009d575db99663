import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { rangeHash } from "~/compiler/range-set";
import {
  adblockRuleToString,
  etcHostsHostnames,
  isBlockedHostnameRule,
  isComment,
  isEtcHostsRule,
  isJustDomain,
  parseAdblockRule,
  type ScannedHostname,
  scanBlockedHostnameRule,
  scanSimpleEtcHostsHostname,
  simpleEtcHostsHostnameStart,
} from "~/compiler/rule";
import { Random } from "./support/random";

const require = createRequire(import.meta.url);
const referenceRule = require("@adguard/hostlist-compiler/src/rule.js");

/** Pieces that exercise every branch of the line classifiers. */
const PIECES = [
  "0.0.0.0",
  "::1",
  "fe80::1",
  "%lo0",
  "%",
  " ",
  "\t",
  "  ",
  "#",
  "# c",
  "\u2028",
  "\u00a0",
  "\uFEFF",
  "example",
  ".",
  "org",
  "-",
  "a",
  "1",
  "@@",
  "||",
  "^",
  "|",
  "$",
  "important",
  "third-party",
  "=",
  "x=y=z",
  ",",
  "\\,",
  "\\$",
  "/",
  "replace=",
  "!",
  "####",
  "ü",
  "A",
];

function randomLine(random: Random): string {
  return Array.from({ length: random.int(0, 8) }, () => random.pick(PIECES)).join("");
}

function referenceHostnames(line: string): string[] {
  try {
    return referenceRule.loadEtcHostsRuleProperties(line).hostnames;
  } catch {
    return [];
  }
}

function referenceParse(line: string) {
  try {
    const props = referenceRule.loadAdblockRuleProperties(line);
    return {
      allow: props.whitelist,
      pattern: props.pattern,
      options: props.options,
      text: referenceRule.adblockRuleToString(props),
    };
  } catch {
    return null;
  }
}

describe("line classification matches the reference's rule.js", () => {
  it("on 20 000 random lines", () => {
    const random = new Random(99);
    for (let round = 0; round < 20_000; round++) {
      const line = randomLine(random);
      const context = JSON.stringify(line);
      expect(isComment(line), context).toBe(referenceRule.isComment(line));
      expect(isEtcHostsRule(line), context).toBe(referenceRule.isEtcHostsRule(line));
      expect(isJustDomain(line), context).toBe(referenceRule.isJustDomain(line));
      expect(etcHostsHostnames(line), context).toEqual(referenceHostnames(line));
      const ours = parseAdblockRule(line);
      const reference = referenceParse(line);
      if (ours === null || reference === null) {
        expect(ours, context).toBe(reference);
        continue;
      }
      expect({ ...ours, text: adblockRuleToString(ours) }, context).toEqual(reference);
    }
  });

  it("the /etc/hosts fast path agrees with the full parse wherever it applies", () => {
    const random = new Random(100);
    let applied = 0;
    for (let round = 0; round < 20_000; round++) {
      const line = random.chance(0.5)
        ? `${random.pick(["0.0.0.0", "::1", "127.0.0.1"])} ${randomLine(random)}`
        : randomLine(random);
      const start = simpleEtcHostsHostnameStart(line);
      if (start === -1) continue;
      applied++;
      expect(isEtcHostsRule(line), JSON.stringify(line)).toBe(true);
      expect(etcHostsHostnames(line), JSON.stringify(line)).toEqual([line.substring(start)]);
    }
    expect(applied).toBeGreaterThan(1000);
  });

  it("Compress's hashing scans decide as the plain checks do, and hash and find the dot as rangeHash and indexOf", () => {
    const random = new Random(101);
    const found: ScannedHostname = { start: -1, hash: 0, firstDot: -2 };
    let hosts = 0;
    let rules = 0;
    for (let round = 0; round < 20_000; round++) {
      const body = randomLine(random);
      // inside a longer text, as a line of a source: the scans must stay in their range
      const line = random.pick([`0.0.0.0 ${body}`, `||${body}^`, body]);
      const text = `x.${line}.y`;
      const [start, end] = [2, 2 + line.length];
      const context = JSON.stringify(line);
      const hostnameStart = simpleEtcHostsHostnameStart(line);
      expect(scanSimpleEtcHostsHostname(text, start, end, found), context).toBe(hostnameStart !== -1);
      if (hostnameStart !== -1) {
        hosts++;
        expect(found.start - start, context).toBe(hostnameStart);
        expect(found.hash, context).toBe(rangeHash(line, hostnameStart, line.length));
        expect(found.firstDot, context).toBe(line.substring(hostnameStart).indexOf("."));
      }
      expect(scanBlockedHostnameRule(text, start, end, found), context).toBe(isBlockedHostnameRule(line));
      if (isBlockedHostnameRule(line)) {
        rules++;
        expect(found.start - start, context).toBe(2);
        expect(found.hash, context).toBe(rangeHash(line, 2, line.length - 1));
        expect(found.firstDot, context).toBe(line.substring(2, line.length - 1).indexOf("."));
      }
    }
    expect(hosts).toBeGreaterThan(1000);
    expect(rules).toBeGreaterThan(100);
  });

  // The reference's regular expression backtracks quadratically on this line.
  it("recognizes a long /etc/hosts-like line in linear time", { timeout: 10_000 }, () => {
    expect(isEtcHostsRule(`0${" ".repeat(1_000_000)}#\u2028`)).toBe(false);
    expect(isEtcHostsRule(`0.0.0.0 ${"a".repeat(1_000_000)}`)).toBe(true);
  });
});
