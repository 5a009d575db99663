import { forwardRangeHash, nextHashPower } from "./range-set";

/**
 * How the reference (`@adguard/hostlist-compiler`) reads a single line: comments, /etc/hosts entries,
 * bare domains and adblock-style rules with `$modifiers`. Every transformation classifies lines
 * through these helpers, so their exact semantics decide the output byte for byte.
 */

export interface RuleOption {
  name: string;
  /** `null` when the modifier has no value or an empty one (`$doc`, `$doc=`). */
  value: string | null;
}

export interface AdblockRule {
  /** An exception rule (`@@...`). */
  allow: boolean;
  pattern: string;
  /** `null` when the rule has no modifiers (an empty `$` counts as none). */
  options: RuleOption[] | null;
}

/** `charCodeAt` that returns -1 past the end: reading out of bounds makes V8 deoptimize the caller. */
export function codeAt(text: string, index: number): number {
  return index < text.length ? text.charCodeAt(index) : -1;
}

/** `!`, `# `, a lone `#` and `####` start comments; `#` followed by anything else is a cosmetic rule. */
export function isComment(line: string): boolean {
  return isCommentRange(line, 0, line.length);
}

/**
 * `isComment(text.substring(start, end))`, read in place: the steps that look at a few characters
 * of each line (`LineList.textOf`) then make no string per line.
 */
export function isCommentRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  const first = text.charCodeAt(start);
  if (first === 33 /* ! */) return true;
  if (first !== 35 /* # */) return false;
  if (end - start === 1) return true;
  const second = text.charCodeAt(start + 1);
  if (second === 32 /* space */) return true;
  return second === 35 && end - start >= 4 && text.charCodeAt(start + 2) === 35 && text.charCodeAt(start + 3) === 35;
}

/** An empty line or a comment: what goes with the rule below it (`removeWithPrecedingComments`). */
export function isCommentOrEmptyRange(text: string, start: number, end: number): boolean {
  return end === start || isCommentRange(text, start, end);
}

/** `text.substring(start, end).trim() === ""`, read in place. */
export function isBlankRange(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    if (!isJsWhitespace(text.charCodeAt(index))) return false;
  }
  return true;
}

/** Lines that are neither blank nor comments, read in place (no string per line). */
export function countRules(lines: LineRanges): number {
  let count = 0;
  for (let index = 0; index < lines.length; index++) {
    const text = lines.textOf(index);
    const start = lines.startOf(index);
    const end = lines.endOf(index);
    if (!isBlankRange(text, start, end) && !isCommentRange(text, start, end)) count++;
  }
  return count;
}

/** What `countRules` reads of a `LineList`: each line as a range of a larger text. */
interface LineRanges {
  length: number;
  textOf(index: number): string;
  startOf(index: number): number;
  endOf(index: number): number;
}

export function isAllowRule(line: string): boolean {
  return line.startsWith("@@");
}

/** The code units JavaScript's `\s` and `String.prototype.trim` treat as white space. */
export function isJsWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

function isLineTerminator(code: number): boolean {
  return code === 10 || code === 13 || code === 8232 || code === 8233;
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isHostsAddressChar(code: number): boolean {
  // [a-f0-9.:\][] — lowercase hex only, as in the reference
  return (
    (code >= 48 && code <= 57) ||
    (code >= 97 && code <= 102) ||
    code === 46 ||
    code === 58 ||
    code === 91 ||
    code === 93
  );
}

function isLowercaseAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
}

/**
 * `address[%zone] <white space> hostnames [#comment]`, decided exactly like the reference's
 * `/^([a-f0-9.:\][]+)(%[a-z0-9]+)?\s+([^#]+)(#.*)?$/` but in one linear scan: that regular
 * expression backtracks quadratically on a long line of spaces followed by `#` and a U+2028.
 */
export function isEtcHostsRule(line: string): boolean {
  return isEtcHostsRuleRange(line, 0, line.length);
}

/** `isEtcHostsRule(text.substring(start, end))`, read in place. */
export function isEtcHostsRuleRange(text: string, start: number, end: number): boolean {
  let index = start;
  while (index < end && isHostsAddressChar(text.charCodeAt(index))) index++;
  if (index === start) return false;
  if (index < end && text.charCodeAt(index) === 37 /* % */) {
    const zoneStart = index + 1;
    index = zoneStart;
    while (index < end && isLowercaseAlphanumeric(text.charCodeAt(index))) index++;
    if (index === zoneStart) return false;
  }
  if (index >= end || !isJsWhitespace(text.charCodeAt(index))) return false;
  // a loop, not `indexOf`: that would search on past the line, through the rest of a source's text
  let hash = index + 1;
  while (hash < end && text.charCodeAt(hash) !== 35 /* # */) hash++;
  // at least one white space, then at least one character that is not `#`
  if (hash < index + 2) return false;
  for (let i = hash + 1; i < end; i++) {
    if (isLineTerminator(text.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Where the hostname of the usual /etc/hosts line starts — an address, white space, one hostname and
 * nothing else (no zone, no second hostname, no comment, no white space at either end) — or -1 for
 * any other line. Such a line is an /etc/hosts rule (`isEtcHostsRule`) whose only hostname
 * (`etcHostsHostnames`) is `line.substring(start)`; this finds it in one scan and without allocating.
 */
export function simpleEtcHostsHostnameStart(line: string): number {
  return simpleEtcHostsHostnameStartRange(line, 0, line.length);
}

/** `simpleEtcHostsHostnameStart` of `text.substring(start, end)`, read in place: an index of `text`. */
export function simpleEtcHostsHostnameStartRange(text: string, start: number, end: number): number {
  let index = start;
  while (index < end && isHostsAddressChar(text.charCodeAt(index))) index++;
  if (index === start || index >= end || !isJsWhitespace(text.charCodeAt(index))) return -1;
  while (index < end && isJsWhitespace(text.charCodeAt(index))) index++;
  const hostnameStart = index;
  for (; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === 35 /* # */ || isJsWhitespace(code)) return -1;
  }
  return hostnameStart < end ? hostnameStart : -1;
}

/** The hostnames of an /etc/hosts line; empty when the line has none (the reference throws then). */
export function etcHostsHostnames(line: string): string[] {
  let rule = line.trim();
  const hash = rule.indexOf("#");
  if (hash > 0) rule = rule.substring(0, hash);
  // `rule.trim().split(/\s+/).slice(1)` without the regular expression, which dominated Compress
  const hostnames: string[] = [];
  const length = rule.length;
  let index = 0;
  while (index < length && isJsWhitespace(rule.charCodeAt(index))) index++;
  while (index < length && !isJsWhitespace(rule.charCodeAt(index))) index++;
  for (;;) {
    while (index < length && isJsWhitespace(rule.charCodeAt(index))) index++;
    if (index >= length) return hostnames;
    const start = index;
    while (index < length && !isJsWhitespace(rule.charCodeAt(index))) index++;
    hostnames.push(rule.substring(start, index));
  }
}

const MAX_DOMAIN_LENGTH = 255;
const MAX_LABEL_LENGTH = 63;

/** A bare domain name such as `example.org` or `example.org.` (at least one dot, RFC 1035 labels). */
export function isJustDomain(line: string): boolean {
  return isJustDomainRange(line, 0, line.length);
}

/** `isJustDomain(text.substring(start, end))`, read in place. */
export function isJustDomainRange(text: string, start: number, end: number): boolean {
  if (end <= start || end - start > MAX_DOMAIN_LENGTH) return false;
  let index = start;
  let dots = 0;
  for (;;) {
    const labelStart = index;
    if (index >= end || !isAsciiAlphanumeric(text.charCodeAt(index))) return false;
    index++;
    while (index < end) {
      const code = text.charCodeAt(index);
      if (!isAsciiAlphanumeric(code) && code !== 45 /* - */) break;
      index++;
    }
    if (index - labelStart > MAX_LABEL_LENGTH || !isAsciiAlphanumeric(text.charCodeAt(index - 1))) return false;
    // anything but a label and a dot fails above, so the name has a dot unless it is a single label
    if (index === end) return dots > 0;
    if (text.charCodeAt(index) !== 46 /* . */) return false;
    dots++;
    index++;
    if (index === end) return true;
  }
}

const NON_ASCII = /[\u0080-\uffff]/;

export function containsNonAscii(line: string): boolean {
  return NON_ASCII.test(line);
}

/** What `TrimLines` strips from both ends of a line: spaces and tabs, not other white space. */
export function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}

/** The last `$` that is not escaped by a backslash, or -1. */
function findOptionsSeparator(text: string, patternStart: number): number {
  let index = text.lastIndexOf("$");
  while (index >= patternStart) {
    if (index > patternStart && text.charCodeAt(index - 1) === 92 /* \ */) {
      index = text.lastIndexOf("$", index - 1);
    } else {
      return index;
    }
  }
  return -1;
}

/**
 * Splits `$modifiers` on commas; `\,` is an escaped comma (the backslash is dropped), empty parts
 * and a leading comma are dropped.
 */
function splitOptions(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char !== ",") {
      current += char;
    } else if (i === 0) {
      // a leading comma is ignored
    } else if (text[i - 1] === "\\") {
      current = `${current.slice(0, -1)},`;
    } else if (current.length > 0) {
      parts.push(current);
      current = "";
    }
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function parseOption(part: string): RuleOption {
  // Only the text up to a second `=` survives, as in the reference (`_.split(option, "=", 2)`).
  const pieces = part.split("=", 2);
  return { name: pieces[0], value: pieces[1] ? pieces[1] : null };
}

/**
 * Parses an adblock-style rule (any line that is not a comment can be read as one). Returns `null`
 * when the trimmed line is empty or just `@@`, where the reference throws "the rule is too short".
 */
export function parseAdblockRule(line: string): AdblockRule | null {
  const text = line.trim();
  const allow = text.startsWith("@@");
  const patternStart = allow ? 2 : 0;
  if (text.length <= patternStart) return null;

  const wholePattern = text.substring(patternStart);
  // Regular expression rules keep their `$` unless they use `replace=`.
  if (wholePattern.startsWith("/") && wholePattern.endsWith("/") && !wholePattern.includes("replace=")) {
    return { allow, pattern: wholePattern, options: null };
  }
  const separator = findOptionsSeparator(text, patternStart);
  if (separator === -1) return { allow, pattern: wholePattern, options: null };

  const pattern = text.substring(patternStart, separator);
  const optionsText = text.substring(separator + 1);
  const parts = optionsText ? splitOptions(optionsText) : [];
  return { allow, pattern, options: parts.length > 0 ? parts.map(parseOption) : null };
}

export function adblockRuleToString(rule: AdblockRule): string {
  let text = rule.allow ? `@@${rule.pattern}` : rule.pattern;
  if (rule.options && rule.options.length > 0) {
    text += `$${rule.options.map((option) => (option.value ? `${option.name}=${option.value}` : option.name)).join(",")}`;
  }
  return text;
}

/** The hostname a `||hostname^` rule blocks (lowercase ASCII only, as the reference requires). */
export function blockedHostname(pattern: string): string | null {
  return isBlockedHostnameRule(pattern) ? pattern.substring(2, pattern.length - 1) : null;
}

/** Whether `blockedHostname` finds a hostname: then it is the text between `||` and `^`. */
export function isBlockedHostnameRule(pattern: string): boolean {
  return isBlockedHostnameRuleRange(pattern, 0, pattern.length);
}

/** `isBlockedHostnameRule(text.substring(start, end))`, read in place. */
export function isBlockedHostnameRuleRange(text: string, start: number, end: number): boolean {
  if (!hasBlockedRuleFrame(text, start, end)) return false;
  for (let i = start + 2; i < end - 1; i++) {
    const code = text.charCodeAt(i);
    if (!isLowercaseAlphanumeric(code) && code !== 45 && code !== 46) return false;
  }
  return true;
}

/**
 * A hostname a scan found in a line: where it starts, its `rangeHash` (computed as it was read),
 * and its first dot's offset in it (-1: none).
 */
export interface ScannedHostname {
  start: number;
  hash: number;
  firstDot: number;
}

/**
 * `isBlockedHostnameRuleRange(text, start, end)`, and when true the hostname between `||` and `^`
 * in `found`, hashed in the same scan: Compress reads each line once to classify and hash it.
 */
export function scanBlockedHostnameRule(text: string, start: number, end: number, found: ScannedHostname): boolean {
  if (!hasBlockedRuleFrame(text, start, end)) return false;
  let hash = 0;
  let power = 1;
  let firstDot = -1;
  for (let i = start + 2; i < end - 1; i++) {
    const code = text.charCodeAt(i);
    if (!isLowercaseAlphanumeric(code)) {
      if (code === 46 /* . */) {
        if (firstDot === -1) firstDot = i;
      } else if (code !== 45 /* - */) {
        return false;
      }
    }
    hash = forwardRangeHash(hash, code, power);
    power = nextHashPower(power);
  }
  found.start = start + 2;
  found.hash = hash;
  found.firstDot = firstDot === -1 ? -1 : firstDot - found.start;
  return true;
}

/**
 * `simpleEtcHostsHostnameStartRange(text, start, end) !== -1`, and when true the hostname (from
 * there to the end) in `found`, hashed in the same scan.
 */
export function scanSimpleEtcHostsHostname(text: string, start: number, end: number, found: ScannedHostname): boolean {
  let index = start;
  while (index < end && isHostsAddressChar(text.charCodeAt(index))) index++;
  if (index === start || index >= end || !isJsWhitespace(text.charCodeAt(index))) return false;
  while (index < end && isJsWhitespace(text.charCodeAt(index))) index++;
  const hostnameStart = index;
  let hash = 0;
  let power = 1;
  let firstDot = -1;
  for (; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === 46 /* . */ && firstDot === -1) firstDot = index;
    else if (code === 35 /* # */ || isJsWhitespace(code)) return false;
    hash = forwardRangeHash(hash, code, power);
    power = nextHashPower(power);
  }
  if (hostnameStart === end) return false;
  found.start = hostnameStart;
  found.hash = hash;
  found.firstDot = firstDot === -1 ? -1 : firstDot - hostnameStart;
  return true;
}

/** `||`, at least one character, then `^`: the frame of a `||hostname^` rule. */
function hasBlockedRuleFrame(text: string, start: number, end: number): boolean {
  return (
    end - start >= 4 &&
    text.charCodeAt(start) === 124 /* | */ &&
    text.charCodeAt(start + 1) === 124 &&
    text.charCodeAt(end - 1) === 94 /* ^ */
  );
}
