import type { LineList } from "../line-list";
import { containsNonAscii, isComment, isJsWhitespace } from "../rule";

/**
 * Converts internationalized domain names to punycode (`||пример.рф^` → `||xn--e1afmkfd.xn--p1ai^`).
 * A "domain" is any run of characters other than white space and `^ $ | =` that has a dot inside
 * it, optionally starting with `*.`; only runs with non-ASCII characters change.
 */
export function convertToAscii(lines: LineList): LineList {
  return lines.map((line) =>
    line.length === 0 || isComment(line) || !containsNonAscii(line) ? line : punycodeDomains(line),
  );
}

function isDomainRunChar(code: number): boolean {
  return (
    code !== 94 /* ^ */ && code !== 36 /* $ */ && code !== 124 /* | */ && code !== 61 /* = */ && !isJsWhitespace(code)
  );
}

/** A dot with at least one character of the run on each side. */
function hasInnerDot(text: string, start: number, end: number): boolean {
  const dot = text.indexOf(".", start + 1);
  return dot !== -1 && dot < end - 1;
}

function punycodeDomains(line: string): string {
  let converted = "";
  let copiedUpTo = 0;
  let index = 0;
  while (index < line.length) {
    if (!isDomainRunChar(line.charCodeAt(index))) {
      index++;
      continue;
    }
    const runStart = index;
    while (index < line.length && isDomainRunChar(line.charCodeAt(index))) index++;
    let domainStart = -1;
    if (line.startsWith("*.", runStart) && hasInnerDot(line, runStart + 2, index)) domainStart = runStart + 2;
    else if (hasInnerDot(line, runStart, index)) domainStart = runStart;
    if (domainStart === -1) continue;
    const domain = line.substring(domainStart, index);
    if (domain.length > MAX_CONVERTIBLE_DOMAIN_LENGTH || !containsNonAscii(domain)) continue;
    converted += line.substring(copiedUpTo, domainStart) + domainToAsciiKeepingRest(domain);
    copiedUpTo = index;
  }
  return copiedUpTo === 0 ? line : converted + line.substring(copiedUpTo);
}

/**
 * Longer runs are left as they are: a DNS name has at most 253 characters, and the URL standard's
 * conversion takes time quadratic in the number of labels (a 1 MB run would take minutes).
 */
export const MAX_CONVERTIBLE_DOMAIN_LENGTH = 1024;

/** Characters that end the host part of a URL; the reference silently drops everything after them. */
const HOST_DELIMITERS = /[/?#\\:]/;

/**
 * The reference converts the whole run with Node's `url.domainToASCII`, which drops the text after
 * a host delimiter (`ü.com/path` → `xn--tda.com`) and returns "" on failure (`ü.com:80` → "").
 * We convert only the host part and keep the rest, and keep the text unchanged when conversion fails.
 */
function domainToAsciiKeepingRest(domain: string): string {
  const delimiter = domain.search(HOST_DELIMITERS);
  const host = delimiter === -1 ? domain : domain.substring(0, delimiter);
  const ascii = domainToAscii(host);
  if (ascii === "") return domain;
  return delimiter === -1 ? ascii : ascii + domain.substring(delimiter);
}

let probes: [URL, URL] | undefined;

/**
 * The WHATWG URL hostname setter — the same conversion as Node's `url.domainToASCII` — with ""
 * for a host it refuses. A refused value leaves a URL unchanged, so two probes that start with
 * different hostnames disagree exactly when the conversion failed.
 */
export function domainToAscii(domain: string): string {
  if (domain === "") return "";
  probes ??= [new URL("ws://a"), new URL("ws://b")];
  const [first, second] = probes;
  first.hostname = "a";
  second.hostname = "b";
  first.hostname = domain;
  second.hostname = domain;
  return first.hostname === second.hostname ? first.hostname : "";
}
