import type { LineList } from "./line-list";
import { type AdblockRule, adblockRuleToString, codeAt, parseAdblockRule } from "./rule";

/** An adblock pattern that looks like an IPv4 address or a part of one: `||192.168.1.`, `1.2.3.4^`, ... */
export interface IpPattern {
  prefix: "" | "|" | "||";
  octets: string[];
  hasTrailingDot: boolean;
  hasTrailingWildcard: boolean;
  hasCaret: boolean;
  hasCaretPipe: boolean;
}

const MAX_OCTETS = 4;
const MAX_OCTET_VALUE = 255;
const MAX_OCTET_DIGITS = 3;

function isOctet(text: string): boolean {
  if (text.length === 0 || text.length > MAX_OCTET_DIGITS) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return Number(text) <= MAX_OCTET_VALUE;
}

/** Reads a pattern already stripped of `@@` and `$modifiers`; `null` when it is not IP-like. */
export function classifyIpPattern(pattern: string): IpPattern | null {
  // the first octet starts right after the anchor; most patterns fail here, before any slicing
  const firstOctetStart = pattern.startsWith("||") ? 2 : pattern.startsWith("|") ? 1 : 0;
  const firstCode = codeAt(pattern, firstOctetStart);
  if (!(firstCode >= 48 && firstCode <= 57)) return null;
  let rest = pattern;
  let prefix: IpPattern["prefix"] = "";
  if (rest.startsWith("||")) {
    prefix = "||";
    rest = rest.slice(2);
  } else if (rest.startsWith("|")) {
    prefix = "|";
    rest = rest.slice(1);
  }
  let hasCaret = false;
  let hasCaretPipe = false;
  if (rest.endsWith("^|")) {
    hasCaret = true;
    hasCaretPipe = true;
    rest = rest.slice(0, -2);
  } else if (rest.endsWith("^")) {
    hasCaret = true;
    rest = rest.slice(0, -1);
  }
  const hasTrailingWildcard = rest.endsWith(".*");
  if (hasTrailingWildcard) rest = rest.slice(0, -2);
  const hasTrailingDot = rest.endsWith(".");
  if (hasTrailingDot) rest = rest.slice(0, -1);

  let dots = 0;
  for (let i = rest.indexOf("."); i !== -1; i = rest.indexOf(".", i + 1)) {
    if (++dots >= MAX_OCTETS) return null;
  }
  const octets = rest.split(".");
  if (!octets.every(isOctet)) return null;
  return { prefix, octets, hasTrailingDot, hasTrailingWildcard, hasCaret, hasCaretPipe };
}

export function isFullIp(ip: IpPattern): boolean {
  return ip.octets.length === MAX_OCTETS && !ip.hasTrailingDot && !ip.hasTrailingWildcard;
}

export function isSubnetWildcard(ip: IpPattern): boolean {
  return ip.octets.length < MAX_OCTETS && (ip.hasTrailingDot || ip.hasTrailingWildcard);
}

/**
 * Rewrites incomplete IP rules to the form AdGuard Home understands, before `ValidateAllowIp`
 * validates them: `1.2.3.4` → `||1.2.3.4^`, `192.168.1.` → `||192.168.1.`. Other lines pass through.
 */
export function normalizeIpRules(lines: LineList): LineList {
  return lines.map(normalizeIpRule);
}

function normalizeIpRule(line: string): string {
  if (!line || line.startsWith("!") || line.startsWith("#") || line.trim() === "") return line;
  // The reference throws on a lone `@@` here; we let the validator reject it instead.
  const rule = parseAdblockRule(line);
  if (!rule) return line;
  const ip = classifyIpPattern(rule.pattern);
  if (!ip) return line;
  const address = ip.octets.join(".");

  if (ip.octets.length === 3) {
    if (ip.hasCaret || !(ip.hasTrailingDot || ip.hasTrailingWildcard) || ip.prefix === "||") return line;
    return withPattern(rule, `||${address}${ip.hasTrailingWildcard ? ".*" : "."}`);
  }
  if (!isFullIp(ip)) return line;
  if (ip.prefix === "||" && ip.hasCaret && !ip.hasCaretPipe) return line;
  return withPattern(rule, `||${address}^`);
}

function withPattern(rule: AdblockRule, pattern: string): string {
  return adblockRuleToString({ ...rule, pattern });
}
