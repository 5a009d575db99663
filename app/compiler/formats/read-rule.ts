/**
 * Reads a rule of the compiled (adblock-syntax) list as the hostname formats need it: which
 * hostnames it blocks or allows, and whether it covers their subdomains — or why it cannot be
 * written as hostnames at all.
 */
import { isJsWhitespace } from "../rule";
import type { DropReason } from "./report";

/** Called through constants: see `substring-matcher.ts`. */
const { charCodeAt, indexOf, lastIndexOf, startsWith } = String.prototype;

/** `host` alone, or `host` and every name below it. */
export type HostScope = "exact" | "subtree";

/** Where the hostnames of a rule are in its line; reused from line to line. */
export class RuleHosts {
  allow = false;
  scope: HostScope = "exact";
  count = 0;
  starts: number[] = [];
  ends: number[] = [];

  add(start: number, end: number): void {
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }
}

/** /etc/hosts addresses that mean "this name does not resolve"; any other address is a redirect. */
const BLOCKING_ADDRESSES = new Set(["0.0.0.0", "127.0.0.1", "::", "::1", "0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0:1"]);
/** `##`, `#@#`, `#$#`, `#?#`, `#%#` and their `@` exceptions; `$$` / `$@$` HTML filtering rules. */
const COSMETIC_MARKER = /#@?[$?%]?#|\$@?\$/;
/** RFC 1035: 63 octets a label, 255 a name on the wire, so 253 characters written without the root. */
const MAX_LABEL_LENGTH = 63;
const MAX_HOSTNAME_LENGTH = 253;

const CARET = 94;
const PIPE = 124;
const DOT = 46;
const HYPHEN = 45;
const UNDERSCORE = 95;
const HASH = 35;
const DOLLAR = 36;
const AT = 64;

/**
 * Fills `hosts` with the hostnames `line` (not a comment, not blank) blocks or allows and returns
 * null, or returns why the rule is not about hostnames. The hostnames themselves are checked by
 * `hostnameProblem`, one by one (an /etc/hosts line may name several).
 */
export function readRule(line: string, hosts: RuleHosts): DropReason | null {
  hosts.count = 0;
  let start = 0;
  let end = line.length;
  while (start < end && isJsWhitespace(charCodeAt.call(line, start))) start++;
  while (end > start && isJsWhitespace(charCodeAt.call(line, end - 1))) end--;
  hosts.allow = startsWith.call(line, "@@", start);
  if (isCosmetic(line)) return "cosmetic";
  if (!hosts.allow) {
    const hostsLine = readEtcHostsLine(line, start, end, hosts);
    if (hostsLine !== undefined) return hostsLine;
  }
  let from = hosts.allow ? start + 2 : start;
  if (from >= end) return "not_a_hostname";
  if (charCodeAt.call(line, from) === 47 /* / */ && end - from > 1 && charCodeAt.call(line, end - 1) === 47) {
    return "regex";
  }
  const dollar = lastIndexOf.call(line, "$", end - 1);
  if (dollar >= from) {
    // An empty `$` is no modifier (as `parseAdblockRule` reads it). An `@@` rule's modifiers only
    // limit what it allows, so without them it allows more: entries go, none is added.
    if (dollar !== end - 1 && !hosts.allow) return "has_modifiers";
    end = dollar;
  }
  let anchored = false;
  if (startsWith.call(line, "||", from)) {
    hosts.scope = "subtree";
    anchored = true;
    from += 2;
  } else {
    hosts.scope = "exact";
    if (charCodeAt.call(line, from) === PIPE) {
      anchored = true;
      from += 1;
    }
  }
  let hasSeparator = false;
  if (end - from >= 2 && charCodeAt.call(line, end - 2) === CARET && charCodeAt.call(line, end - 1) === PIPE) {
    end -= 2;
    hasSeparator = true;
  } else if (end > from && charCodeAt.call(line, end - 1) === CARET) {
    end -= 1;
    hasSeparator = true;
  }
  for (let index = from; index < end; index++) {
    const code = charCodeAt.call(line, index);
    if (code === 42 /* * */) return "wildcard";
    if (code === 47 /* / */ || code === 63 /* ? */ || code === 58 /* : */ || code === CARET || code === PIPE) {
      return "has_path";
    }
  }
  if (isIpLike(line, from, end)) return "ip_address";
  // `||ads` and `|ads` also match `adserver.com`; a bare `example.org^` matches `badexample.org`. A
  // bare name with a dot and nothing else is a domain, as in domain lists.
  if (anchored ? !hasSeparator : hasSeparator || indexOf.call(line, ".", from) === -1) {
    return hostnameProblem(line, from, end) ?? "wildcard";
  }
  hosts.add(from, end);
  return null;
}

/**
 * Reads an /etc/hosts line (`address name…  # comment`): undefined when `line` is not one, else
 * null with the names in `hosts`, or why it does not block.
 */
function readEtcHostsLine(line: string, start: number, end: number, hosts: RuleHosts): DropReason | null | undefined {
  let index = start;
  while (index < end && isHostsAddressChar(charCodeAt.call(line, index))) index++;
  if (index === start || index >= end || !isJsWhitespace(charCodeAt.call(line, index))) return undefined;
  const address = line.substring(start, index);
  hosts.scope = "exact";
  for (;;) {
    while (index < end && isJsWhitespace(charCodeAt.call(line, index))) index++;
    if (index >= end || charCodeAt.call(line, index) === HASH) break;
    const nameStart = index;
    while (index < end && !isJsWhitespace(charCodeAt.call(line, index)) && charCodeAt.call(line, index) !== HASH) {
      index++;
    }
    hosts.add(nameStart, index);
  }
  if (hosts.count === 0) return "not_a_hostname";
  return BLOCKING_ADDRESSES.has(address) ? null : "redirect";
}

/**
 * What a byte is in a plain hostname (`isPlainSubtree`): its class — a label's letter (lowercase),
 * digit or `_`; `-`; `.`; anything else — and flags: `NOT_DIGIT` for a byte that makes the name no
 * IP address, `BAD` for one that makes it no plain name.
 */
const CLASS_LABEL = 0;
const CLASS_HYPHEN = 1;
const CLASS_DOT = 2;
const CLASS_OTHER = 3;
const NOT_DIGIT = 4;
const BAD = 8;

function plainNameByte(code: number): number {
  if ((code >= 97 && code <= 122) || code === UNDERSCORE) return CLASS_LABEL | NOT_DIGIT;
  if (code >= 48 && code <= 57) return CLASS_LABEL;
  if (code === HYPHEN) return CLASS_HYPHEN | NOT_DIGIT;
  if (code === DOT) return CLASS_DOT;
  return CLASS_OTHER | BAD;
}

/**
 * The flags of a byte after another (index: the previous byte × 256 + the byte): the byte's own,
 * and `BAD` when the two make an empty label or one starting or ending with `-` (a name's ends
 * count as dots). One lookup a byte, made on first use (64 KB).
 */
let plainNamePairs: Uint8Array | null = null;

function plainNamePairTable(): Uint8Array {
  if (plainNamePairs !== null) return plainNamePairs;
  const table = new Uint8Array(1 << 16);
  for (let previous = 0; previous < 256; previous++) {
    const previousClass = plainNameByte(previous) & 3;
    for (let code = 0; code < 256; code++) {
      const kind = plainNameByte(code);
      const codeClass = kind & 3;
      const badPair =
        (previousClass === CLASS_DOT && (codeClass === CLASS_DOT || codeClass === CLASS_HYPHEN)) ||
        (previousClass === CLASS_HYPHEN && codeClass === CLASS_DOT);
      table[(previous << 8) | code] = (kind & (NOT_DIGIT | BAD)) | (badPair ? BAD : 0);
    }
  }
  plainNamePairs = table;
  return table;
}

/**
 * Whether the line at `start`–`end` of `bytes` (ASCII: `ListBytes`) is `||hostname^` with a
 * hostname of lowercase letters, digits, `-`, `_` and dots that `hostnameProblem` would accept:
 * what most lines of a compiled list are, decided in place, without `readRule` or a string.
 * Labels are not empty, at most 63 bytes, and neither start nor end with `-`; the name is not
 * dotted digits (an IP address). One loop with one table lookup a byte and no branch on them:
 * letters and digits mixed at random cost a mispredicted branch at every change (a loop that
 * branched took as long as Irregexp's compiled code; this one, about half).
 */
export function isPlainSubtree(bytes: Uint8Array, start: number, end: number): boolean {
  const nameStart = start + 2;
  const nameEnd = end - 1;
  if (nameEnd - nameStart < 1 || nameEnd - nameStart > MAX_HOSTNAME_LENGTH) return false;
  if (bytes[start] !== PIPE || bytes[start + 1] !== PIPE || bytes[nameEnd] !== CARET) return false;
  const pairs = plainNamePairTable();
  let flags = 0;
  let previous = DOT;
  for (let index = nameStart; index < nameEnd; index++) {
    const code = bytes[index];
    flags |= pairs[(previous << 8) | code];
    previous = code;
  }
  flags |= pairs[(previous << 8) | DOT];
  if ((flags & BAD) !== 0 || (flags & NOT_DIGIT) === 0) return false;
  // only a name longer than a label can have a label too long
  return nameEnd - nameStart <= MAX_LABEL_LENGTH || labelsFit(bytes, nameStart, nameEnd);
}

/** Whether no label of the name at `start`–`end` of `bytes` is longer than 63 bytes. */
function labelsFit(bytes: Uint8Array, start: number, end: number): boolean {
  let labelStart = start;
  for (let index = start; index <= end; index++) {
    if (index < end && bytes[index] !== DOT) continue;
    if (index - labelStart > MAX_LABEL_LENGTH) return false;
    labelStart = index + 1;
  }
  return true;
}

/**
 * Whether `readRule` surely finds `text.substring(start, end)` to be a blocking rule with
 * modifiers (`||host^$important`): it starts with `|` (no white space, not an /etc/hosts line, not
 * a regular expression, not `@@`), ends in no white space, has no cosmetic marker (no `#`, no `$$`,
 * no `$@$`), and a `$` before its last character. Read in place: a compiled list has many such rules.
 */
export function isModifiedRuleRange(text: string, start: number, end: number): boolean {
  if (end - start < 3 || charCodeAt.call(text, start) !== PIPE || isJsWhitespace(charCodeAt.call(text, end - 1))) {
    return false;
  }
  let dollar = -1;
  for (let index = start; index < end; index++) {
    const code = charCodeAt.call(text, index);
    if (code === HASH) return false;
    if (code === DOLLAR) {
      // `$$`, `$@$`
      if (dollar === index - 1 || (dollar === index - 2 && charCodeAt.call(text, index - 1) === AT)) return false;
      dollar = index;
    }
  }
  return dollar !== -1 && dollar < end - 1;
}

/** Why `line.substring(start, end)` is not a hostname a DNS server can hold, or null when it is one. */
export function hostnameProblem(line: string, start: number, end: number): DropReason | null {
  if (end - start > MAX_HOSTNAME_LENGTH || end === start) return "not_a_hostname";
  if (isIpLike(line, start, end)) return "ip_address";
  let labelStart = start;
  for (let index = start; index <= end; index++) {
    const code = index < end ? charCodeAt.call(line, index) : DOT;
    if (code === DOT) {
      const length = index - labelStart;
      if (length === 0 || length > MAX_LABEL_LENGTH) return "not_a_hostname";
      if (charCodeAt.call(line, labelStart) === HYPHEN || charCodeAt.call(line, index - 1) === HYPHEN) {
        return "not_a_hostname";
      }
      labelStart = index + 1;
    } else if (!isHostnameChar(code)) {
      return "not_a_hostname";
    }
  }
  return null;
}

/** Letters, digits, `-` and `_` (in real names: `_dmarc`, and many tracker hosts). */
function isHostnameChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    code === HYPHEN ||
    code === UNDERSCORE
  );
}

/** Dotted digits: an IPv4 address or a part of one (`192.168.1.`). */
function isIpLike(line: string, start: number, end: number): boolean {
  if (start === end) return false;
  for (let index = start; index < end; index++) {
    const code = charCodeAt.call(line, index);
    if (code !== DOT && (code < 48 || code > 57)) return false;
  }
  return true;
}

function isHostsAddressChar(code: number): boolean {
  // what `isEtcHostsRule` accepts: lowercase hex, `.`, `:` and brackets
  return (
    (code >= 48 && code <= 57) ||
    (code >= 97 && code <= 102) ||
    code === DOT ||
    code === 58 ||
    code === 91 ||
    code === 93
  );
}

/** Element hiding, CSS, scriptlet and HTML filtering rules: nothing a DNS server can do. */
export function isCosmetic(line: string): boolean {
  return COSMETIC_MARKER.test(line);
}

export function isBlank(line: string): boolean {
  for (let index = 0; index < line.length; index++) {
    if (!isJsWhitespace(charCodeAt.call(line, index))) return false;
  }
  return true;
}

/** Whether the hostname has capitals, which DNS ignores: entries are written in lowercase. */
export function hasUppercase(line: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const code = charCodeAt.call(line, index);
    if (code >= 65 && code <= 90) return true;
  }
  return false;
}
