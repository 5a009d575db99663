import { getPublicSuffix, parse as parseHostname } from "tldts";
import { classifyIpPattern, type IpPattern, isSubnetWildcard } from "../ip-pattern";
import type { LineList } from "../line-list";
import { LIMITING_MODIFIERS, SUPPORTED_MODIFIERS } from "../modifiers";
import { isPlainHostname, isPublicSuffix } from "../public-suffix";
import { LineMark, removeWithPrecedingComments } from "../remove-with-preceding-comments";
import {
  etcHostsHostnames,
  isComment,
  isCommentOrEmptyRange,
  isEtcHostsRule,
  parseAdblockRule,
  simpleEtcHostsHostnameStart,
} from "../rule";

/** Called through constants, not looked up on each line: see `public-suffix.ts`. */
const { charCodeAt, startsWith, substring } = String.prototype;

/** What a validation variant tolerates beyond plain, specific domain rules. */
export interface ValidationPolicy {
  allowIp: boolean;
  allowPublicSuffix: boolean;
}

/** Shorter patterns match too much (`ad^`), unless they are exact domains like `||uk^`. */
const MIN_PATTERN_LENGTH = 5;
const DOMAIN_PATTERN_CHARS = /^[a-zA-Z0-9-.*|^]+$/;
const HAS_ALPHANUMERIC = /[a-zA-Z0-9]/;

/**
 * Removes the rules a DNS-level blocker cannot use or that would block too much (a public suffix,
 * an IP address unless allowed, unsupported modifiers, malformed domains), with the comments above
 * them. Comments and empty lines are kept.
 */
export function validate(lines: LineList): LineList {
  return validateRules(lines, { allowIp: false, allowPublicSuffix: false });
}

export function validateRules(lines: LineList, policy: ValidationPolicy): LineList {
  const marks = new Uint8Array(lines.length);
  for (let index = 0; index < lines.length; index++) {
    if (isCommentOrEmptyRange(lines.textOf(index), lines.startOf(index), lines.endOf(index))) {
      marks[index] = LineMark.CommentOrEmpty;
    } else if (!isValidLine(lines.get(index), policy)) marks[index] = LineMark.Remove;
  }
  return removeWithPrecedingComments(lines, marks);
}

export function isValidLine(line: string, policy: ValidationPolicy): boolean {
  // Most lines of a blocklist are `||hostname^`: decided without parsing the rule, and without
  // tldts unless the hostname is a public suffix.
  const ruleHostnameStart = simpleRuleHostnameStart(line);
  if (ruleHostnameStart !== -1) {
    const end = line.length - 1;
    if (!isPublicSuffix(line, ruleHostnameStart, end)) return true;
    return isValidHostname(substring.call(line, ruleHostnameStart, end), false, policy);
  }
  // `0.0.0.0 hostname`: what `isValidEtcHostsRule` would decide, without its parsing
  const hostsHostnameStart = simpleEtcHostsHostnameStart(line);
  if (hostsHostnameStart !== -1) {
    if (isPlainHostname(line, hostsHostnameStart) && !isPublicSuffix(line, hostsHostnameStart)) return true;
    return isValidHostname(substring.call(line, hostsHostnameStart), false, policy);
  }
  if (isComment(line) || line.trim() === "") return true;
  if (isEtcHostsRule(line)) return isValidEtcHostsRule(line, policy);
  return isValidAdblockRule(line, policy);
}

function isValidEtcHostsRule(line: string, policy: ValidationPolicy): boolean {
  const hostnames = etcHostsHostnames(line);
  if (hostnames.length === 0) return false;
  return hostnames.every((hostname) => isValidHostname(hostname, false, policy));
}

/**
 * Where the hostname of `||hostname^` or `@@||hostname^` starts (it ends before the `^`) when it is
 * a plain hostname (`isPlainHostname`), else -1. For such a line every check of
 * `isValidAdblockRule` passes (no modifiers; an exact domain, so no length limit; allowed
 * characters; not IP-like, as it has a letter or `-`) up to the last one, `isValidHostname`.
 */
function simpleRuleHostnameStart(line: string): number {
  const start = startsWith.call(line, "||") ? 2 : startsWith.call(line, "@@||") ? 4 : -1;
  const end = line.length - 1;
  if (start === -1 || charCodeAt.call(line, end) !== 94 /* ^ */ || !isPlainHostname(line, start, end)) return -1;
  return start;
}

function isValidHostname(hostname: string, hasLimitingModifier: boolean, policy: ValidationPolicy): boolean {
  // The common case, decided without tldts: a name tldts takes as it is, not an IP, not a public
  // suffix. Then the parse below would find a shorter public suffix and nothing to refuse.
  if (isPlainHostname(hostname) && !isPublicSuffix(hostname)) return true;
  const parsed = parseHostname(hostname);
  if (!parsed.hostname || !HAS_ALPHANUMERIC.test(parsed.hostname)) return false;
  if (!policy.allowIp && parsed.isIp) return false;
  if (parsed.hostname === parsed.publicSuffix && !hasLimitingModifier) {
    if (!policy.allowPublicSuffix) return false;
    // tldts calls any unknown single label a public suffix; only real ones may be blocked whole.
    if (!parsed.isIcann && !parsed.isPrivate) return false;
  }
  return true;
}

function isValidAdblockRule(line: string, policy: ValidationPolicy): boolean {
  const rule = parseAdblockRule(line);
  if (!rule) return false;

  let hasLimitingModifier = false;
  let hasDenyallow = false;
  for (const option of rule.options ?? []) {
    if (!SUPPORTED_MODIFIERS.has(option.name)) return false;
    if (LIMITING_MODIFIERS.has(option.name)) hasLimitingModifier = true;
    if (option.name === "denyallow") hasDenyallow = true;
  }

  const { pattern } = rule;
  const exactDomain = exactDomainOf(pattern);
  if (pattern.length < MIN_PATTERN_LENGTH && exactDomain === null) return false;
  if (pattern.startsWith("/") && pattern.endsWith("/")) return true;

  const charactersToCheck = pattern.startsWith("://") ? trimLeadingColonsAndSlashes(pattern) : pattern;
  if (!DOMAIN_PATTERN_CHARS.test(charactersToCheck)) return false;

  const ip = classifyIpPattern(pattern);
  if (ip && !isAcceptableIpPattern(ip, pattern, hasDenyallow, policy)) return false;

  const ipCandidate = stripAnchors(pattern);
  if (mayBeIpAddress(ipCandidate) && parseHostname(ipCandidate).isIp) return policy.allowIp;

  const separatorIndex = pattern.indexOf("^");
  const wildcardIndex = pattern.indexOf("*");
  // `||example.org^test*` — a wildcard after the separator makes no sense
  if (separatorIndex !== -1 && wildcardIndex > separatorIndex) return false;

  if (exactDomain !== null) return isValidHostname(exactDomain, hasLimitingModifier, policy);
  if (!pattern.startsWith("||") || separatorIndex === -1) return true;

  const domain = separatorIndex > 2 ? pattern.substring(2, separatorIndex) : "";
  if (wildcardIndex !== -1) {
    // `||*.org^` blocks a whole public suffix; `||*.example.org^` is fine
    const withoutWildcard = domain.replace("*.", "");
    if (domain.startsWith("*.") && getPublicSuffix(withoutWildcard) === withoutWildcard) {
      return isValidHostname(withoutWildcard, hasLimitingModifier, policy);
    }
    return true;
  }
  if (!isValidHostname(domain, hasLimitingModifier, policy)) return false;
  // only `^|` may follow the separator
  return !(pattern.length > separatorIndex + 1 && pattern[separatorIndex + 1] !== "|");
}

/** IP-like patterns that block unpredictably or too widely are refused; see the cases below. */
function isAcceptableIpPattern(ip: IpPattern, pattern: string, hasDenyallow: boolean, policy: ValidationPolicy) {
  const octetCount = ip.octets.length;
  // `denyallow` does not work with IP patterns
  if (hasDenyallow) return false;
  // `1.1^`, `1.1.1.1^` match the end of any hostname or address
  if (ip.prefix === "" && ip.hasCaret && octetCount >= 2) return false;
  if (!pattern.includes("^")) {
    // `1.2.`, `192.168` — too wide
    if (octetCount <= 2) return false;
    // `192.168.1` — ambiguous
    if (octetCount === 3 && !ip.hasTrailingDot && !ip.hasTrailingWildcard && !ip.hasCaret) return false;
    // `10.10.34.`, `1.2.3.4.*` without `||`
    if ((ip.hasTrailingDot || ip.hasTrailingWildcard) && ip.prefix === "") return false;
  }
  const isSubnet = ip.prefix !== "" && (octetCount < 4 || ip.hasTrailingDot || ip.hasTrailingWildcard);
  if (isSubnet) {
    // only `||192.168.1.` and `||192.168.1.*` work in AdGuard Home, and only when IPs are allowed
    const isUsableSubnet = octetCount === 3 && isSubnetWildcard(ip) && !ip.hasCaret && ip.prefix === "||";
    if (!policy.allowIp || !isUsableSubnet) return false;
  }
  return true;
}

/**
 * `||example.org^`, `.org^`, `*.org^`, `||org^|`: labels of letters, digits and inner hyphens, an
 * optional trailing dot, then `^`. Linear: a label can only end before `.` or `^`.
 */
const EXACT_DOMAIN_PATTERN =
  /^(?:\|\|)?(?:\*\.|\.)?([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*\.?)\^\|?$/;

/**
 * The hostname of an exact domain pattern, with a trailing dot removed, or `null`. These bypass the
 * minimum length so `||uk^` reaches the public suffix check.
 */
export function exactDomainOf(pattern: string): string | null {
  const hostname = EXACT_DOMAIN_PATTERN.exec(pattern)?.[1];
  if (hostname === undefined) return null;
  return hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
}

function trimLeadingColonsAndSlashes(text: string): string {
  let index = 0;
  while (index < text.length && (text[index] === ":" || text[index] === "/")) index++;
  return text.substring(index);
}

/** `||1.2.3.4^|` → `1.2.3.4` */
function stripAnchors(pattern: string): string {
  let text = pattern.startsWith("||") ? pattern.slice(2) : pattern.startsWith("|") ? pattern.slice(1) : pattern;
  if (text.endsWith("^|")) text = text.slice(0, -2);
  else if (text.endsWith("^")) text = text.slice(0, -1);
  return text;
}

/**
 * tldts only reports an IP for dotted digits or text with a colon; skipping the parse for anything
 * else keeps validation fast without changing its result.
 */
function mayBeIpAddress(text: string): boolean {
  if (text.includes(":")) return true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 46 && (code < 48 || code > 57)) return false;
  }
  return true;
}
