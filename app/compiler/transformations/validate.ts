import { getPublicSuffix, parse as parseHostname } from "tldts";
import type { StepObserver } from "../explain";
import { classifyIpPattern, type IpPattern, isSubnetWildcard } from "../ip-pattern";
import type { LineList } from "../line-list";
import { LIMITING_MODIFIERS, SUPPORTED_MODIFIERS } from "../modifiers";
import { HostnameScan, isPlainHostname, isPublicSuffix } from "../public-suffix";
import { LineMark, removeWithPrecedingComments } from "../remove-with-preceding-comments";
import {
  etcHostsHostnames,
  isComment,
  isCommentOrEmptyRange,
  isEtcHostsRule,
  isJsWhitespace,
  parseAdblockRule,
  simpleEtcHostsHostnameStartRange,
} from "../rule";

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
export function validate(lines: LineList, observer?: StepObserver): LineList {
  return validateRules(lines, { allowIp: false, allowPublicSuffix: false }, observer);
}

export function validateRules(lines: LineList, policy: ValidationPolicy, observer?: StepObserver): LineList {
  const marks = new Uint8Array(lines.length);
  for (let index = 0; index < lines.length; index++) {
    const text = lines.textOf(index);
    const start = lines.startOf(index);
    const end = lines.endOf(index);
    if (isCommentOrEmptyRange(text, start, end)) {
      marks[index] = LineMark.CommentOrEmpty;
      continue;
    }
    // most lines are decided in place; the rest are read as a string of their own
    const validity = commonLineValidity(text, start, end, policy);
    if (
      validity === Validity.Unknown ? lineProblem(lines.get(index), policy) !== null : validity === Validity.Invalid
    ) {
      marks[index] = LineMark.Remove;
    }
  }
  return removeWithPrecedingComments(
    lines,
    marks,
    observer && { observer, reasonOf: (line) => ["invalid", invalidReason(line, policy) ?? undefined] },
  );
}

export function isValidLine(line: string, policy: ValidationPolicy): boolean {
  return invalidReason(line, policy) === null;
}

/** Why Validate removes `line` under `policy`, or null when the line stays. */
export function invalidReason(line: string, policy: ValidationPolicy): string | null {
  // the lines the common shapes keep; the others get their reason from the whole check, which
  // decides every line as they do
  if (commonLineValidity(line, 0, line.length, policy) === Validity.Valid) return null;
  return lineProblem(line, policy);
}

/** `invalidReason` without the common shapes' shortcut. */
function lineProblem(line: string, policy: ValidationPolicy): string | null {
  if (isComment(line) || line.trim() === "") return null;
  if (isEtcHostsRule(line)) return etcHostsRuleProblem(line, policy);
  return adblockRuleProblem(line, policy);
}

/** What `commonLineValidity` decides. */
enum Validity {
  Valid,
  Invalid,
  /** Not one of the common shapes: the line goes through the whole of `isValidLine`. */
  Unknown,
}

/** The scan of the hostname of the line being classified (see `commonLineValidity`). */
const hostname = new HostnameScan();

/**
 * The shapes most lines of a blocklist have, decided for line `text.substring(start, end)` in
 * place — one scan of the hostname, without parsing the rule, and without tldts unless the hostname
 * is a public suffix.
 */
function commonLineValidity(text: string, start: number, end: number, policy: ValidationPolicy): Validity {
  const ruleHostnameStart = adblockHostnameStart(text, start, end);
  if (ruleHostnameStart !== -1) {
    const hostnameEnd = hostname.scan(text, ruleHostnameStart, end);
    // `||hostname^`, `@@||hostname^`: every check of `isValidAdblockRule` passes (no modifiers; an
    // exact domain, so no length limit; allowed characters; not IP-like, as a plain hostname has a
    // letter or `-`) up to the last one, `hostnameProblem`
    if (hostnameEnd === end - 1 && text.charCodeAt(hostnameEnd) === 94 /* ^ */ && hostname.plain) {
      return hostnameValidity(text, ruleHostnameStart, hostnameEnd, false, policy);
    }
    const modified = modifiedRuleValidity(text, ruleHostnameStart, hostnameEnd, end, policy);
    if (modified !== Validity.Unknown) return modified;
    // `||…` and the hostname characters the scan read are all characters of a domain pattern
    return hasCharacterOutsideDomainPattern(text, start, end, hostnameEnd) ? Validity.Invalid : Validity.Unknown;
  }
  // `0.0.0.0 hostname`: what `isValidEtcHostsRule` would decide, without its parsing
  const hostsHostnameStart = simpleEtcHostsHostnameStartRange(text, start, end);
  if (hostsHostnameStart !== -1) {
    if (hostname.scan(text, hostsHostnameStart, end) === end && hostname.plain) {
      return hostnameValidity(text, hostsHostnameStart, end, false, policy);
    }
    return validity(hostnameProblem(text.substring(hostsHostnameStart, end), false, policy) === null);
  }
  return hasCharacterOutsideDomainPattern(text, start, end) ? Validity.Invalid : Validity.Unknown;
}

/** Where the hostname of `||…` or `@@||…` starts, or -1 for a line that starts otherwise. */
function adblockHostnameStart(text: string, start: number, end: number): number {
  // the length first: `startsWith` would read on past the line, into the rest of its text
  if (end - start >= 2 && text.startsWith("||", start)) return start + 2;
  if (end - start >= 4 && text.startsWith("@@||", start)) return start + 4;
  return -1;
}

/** What `hostnameProblem` decides for the plain hostname the scan has just read. */
function hostnameValidity(
  text: string,
  start: number,
  end: number,
  hasLimitingModifier: boolean,
  policy: ValidationPolicy,
): Validity {
  if (!hostname.isPublicSuffix(text)) return Validity.Valid;
  return validity(hostnameProblem(text.substring(start, end), hasLimitingModifier, policy) === null);
}

/**
 * `||hostname^$modifiers` and `@@||hostname^$modifiers`, with a plain hostname that starts with a
 * letter (so no IP pattern) and modifiers that are bare names of `a-z`, `~` and `-` separated by
 * commas (so no escapes, values or second `$`): what `isValidAdblockRule` decides for such a rule
 * — an unsupported modifier drops it, else its hostname decides — without parsing it. The scan of
 * the hostname, from `hostnameStart`, stopped at `caret`.
 */
function modifiedRuleValidity(
  text: string,
  hostnameStart: number,
  caret: number,
  end: number,
  policy: ValidationPolicy,
): Validity {
  if (
    !hostname.plain ||
    !isLowercaseLetter(text.charCodeAt(hostnameStart)) ||
    caret + 2 >= end ||
    text.charCodeAt(caret) !== 94 /* ^ */ ||
    text.charCodeAt(caret + 1) !== 36 /* $ */
  ) {
    return Validity.Unknown;
  }
  const modifiersStart = caret + 2;
  for (let index = modifiersStart; index < end; index++) {
    if (!isBareModifierCharacter(text.charCodeAt(index))) return Validity.Unknown;
  }
  let hasLimitingModifier = false;
  let nameStart = modifiersStart;
  for (let index = modifiersStart; index <= end; index++) {
    if (index < end && text.charCodeAt(index) !== 44 /* , */) continue;
    // empty names (`$,important`, `$a,,b`) are dropped, as the reference's split does
    if (index > nameStart) {
      const name = text.substring(nameStart, index);
      if (!SUPPORTED_MODIFIERS.has(name)) return Validity.Invalid;
      if (LIMITING_MODIFIERS.has(name)) hasLimitingModifier = true;
    }
    nameStart = index + 1;
  }
  return hostnameValidity(text, hostnameStart, caret, hasLimitingModifier, policy);
}

/**
 * A rule without modifiers whose pattern has a character `DOMAIN_PATTERN_CHARS` refuses (`##.ad`,
 * `/ads/*`): `isValidAdblockRule` drops it whatever else it finds. Lines it could read otherwise
 * are left to it: comments, white space (an /etc/hosts line, trimming), a `$`, a pattern starting
 * with `/` (a regular expression) or `:` (`://`). The characters before `from` are known to be
 * characters of a domain pattern (or the `@@` before it).
 */
function hasCharacterOutsideDomainPattern(text: string, start: number, end: number, from = start): boolean {
  const patternStart = text.startsWith("@@", start) ? start + 2 : start;
  if (patternStart >= end) return false;
  const first = text.charCodeAt(start);
  const patternFirst = text.charCodeAt(patternStart);
  if (first === 33 /* ! */ || first === 35 /* # */ || patternFirst === 47 /* / */ || patternFirst === 58 /* : */) {
    return false;
  }
  let outside = false;
  for (let index = from; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === 36 /* $ */ || isJsWhitespace(code)) return false;
    if (index >= patternStart && !isDomainPatternCharacter(code)) outside = true;
  }
  return outside;
}

function isLowercaseLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

/** `a-z`, `~`, `-` and the `,` between modifiers. */
function isBareModifierCharacter(code: number): boolean {
  return isLowercaseLetter(code) || code === 126 || code === 45 || code === 44;
}

/** A character of `DOMAIN_PATTERN_CHARS`: `a-z`, `A-Z`, `0-9`, `-`, `.`, `*`, `|`, `^`. */
function isDomainPatternCharacter(code: number): boolean {
  return (
    isLowercaseLetter(code) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 45 ||
    code === 46 ||
    code === 42 ||
    code === 124 ||
    code === 94
  );
}

function validity(valid: boolean): Validity {
  return valid ? Validity.Valid : Validity.Invalid;
}

function etcHostsRuleProblem(line: string, policy: ValidationPolicy): string | null {
  const hostnames = etcHostsHostnames(line);
  if (hostnames.length === 0) return "an /etc/hosts line without a hostname";
  for (const hostname of hostnames) {
    const problem = hostnameProblem(hostname, false, policy);
    if (problem !== null) return problem;
  }
  return null;
}

function hostnameProblem(hostname: string, hasLimitingModifier: boolean, policy: ValidationPolicy): string | null {
  // The common case, decided without tldts: a name tldts takes as it is, not an IP, not a public
  // suffix. Then the parse below would find a shorter public suffix and nothing to refuse.
  if (isPlainHostname(hostname) && !isPublicSuffix(hostname)) return null;
  const parsed = parseHostname(hostname);
  if (!parsed.hostname || !HAS_ALPHANUMERIC.test(parsed.hostname)) return `${hostname} is not a hostname`;
  if (!policy.allowIp && parsed.isIp) return `${hostname} is an IP address`;
  if (parsed.hostname === parsed.publicSuffix && !hasLimitingModifier) {
    if (!policy.allowPublicSuffix) return `${hostname} is a public suffix: it would block every site under it`;
    // tldts calls any unknown single label a public suffix; only real ones may be blocked whole.
    if (!parsed.isIcann && !parsed.isPrivate) return `${hostname} is not a known domain`;
  }
  return null;
}

function adblockRuleProblem(line: string, policy: ValidationPolicy): string | null {
  const rule = parseAdblockRule(line);
  if (!rule) return "not an adblock rule";

  let hasLimitingModifier = false;
  let hasDenyallow = false;
  for (const option of rule.options ?? []) {
    if (!SUPPORTED_MODIFIERS.has(option.name)) return `the modifier $${option.name} is not supported by DNS blockers`;
    if (LIMITING_MODIFIERS.has(option.name)) hasLimitingModifier = true;
    if (option.name === "denyallow") hasDenyallow = true;
  }

  const { pattern } = rule;
  const exactDomain = exactDomainOf(pattern);
  if (pattern.length < MIN_PATTERN_LENGTH && exactDomain === null) {
    return `the pattern is shorter than ${MIN_PATTERN_LENGTH} characters: it would match too much`;
  }
  if (pattern.startsWith("/") && pattern.endsWith("/")) return null;

  const charactersToCheck = pattern.startsWith("://") ? trimLeadingColonsAndSlashes(pattern) : pattern;
  if (!DOMAIN_PATTERN_CHARS.test(charactersToCheck)) return "the pattern has characters a domain cannot have";

  const ip = classifyIpPattern(pattern);
  if (ip && !isAcceptableIpPattern(ip, pattern, hasDenyallow, policy)) return "an IP pattern that blocks unpredictably";

  const ipCandidate = stripAnchors(pattern);
  if (mayBeIpAddress(ipCandidate) && parseHostname(ipCandidate).isIp) {
    return policy.allowIp ? null : `${ipCandidate} is an IP address`;
  }

  const separatorIndex = pattern.indexOf("^");
  const wildcardIndex = pattern.indexOf("*");
  // `||example.org^test*` — a wildcard after the separator makes no sense
  if (separatorIndex !== -1 && wildcardIndex > separatorIndex) return "a wildcard after the separator ^";

  if (exactDomain !== null) return hostnameProblem(exactDomain, hasLimitingModifier, policy);
  if (!pattern.startsWith("||") || separatorIndex === -1) return null;

  const domain = separatorIndex > 2 ? pattern.substring(2, separatorIndex) : "";
  if (wildcardIndex !== -1) {
    // `||*.org^` blocks a whole public suffix; `||*.example.org^` is fine
    const withoutWildcard = domain.replace("*.", "");
    if (domain.startsWith("*.") && getPublicSuffix(withoutWildcard) === withoutWildcard) {
      return hostnameProblem(withoutWildcard, hasLimitingModifier, policy);
    }
    return null;
  }
  const problem = hostnameProblem(domain, hasLimitingModifier, policy);
  if (problem !== null) return problem;
  // only `^|` may follow the separator
  return pattern.length > separatorIndex + 1 && pattern[separatorIndex + 1] !== "|"
    ? "text after the separator ^"
    : null;
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
