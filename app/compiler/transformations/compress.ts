import {
  blockedHostname,
  etcHostsHostnames,
  isEtcHostsRule,
  isJustDomain,
  parseAdblockRule,
  simpleEtcHostsHostnameStart,
} from "../rule";

/** Called through constants: see `rule.ts`. */
const { charCodeAt, substring } = String.prototype;

/**
 * Converts /etc/hosts lines and bare domains to `||hostname^` rules, keeps the first rule for each
 * hostname, and drops rules already covered by a rule for a parent domain (`||sub.example.org^`
 * when `||example.org^` exists). Rules that do not block a plain hostname pass through unchanged.
 */
export function compress(lines: readonly string[]): string[] {
  const texts: string[] = [];
  /** The hostname each kept rule blocks, or null when it cannot be compressed. */
  const hostnames: (string | null)[] = [];
  const blocked = new Set<string>();

  for (const line of lines) {
    const hostsHostnameStart = simpleEtcHostsHostnameStart(line);
    if (hostsHostnameStart !== -1) {
      // the usual `0.0.0.0 hostname`, without `etcHostsHostnames`' parsing
      keepFirstRuleFor(substring.call(line, hostsHostnameStart), null, blocked, texts, hostnames);
    } else if (isEtcHostsRule(line)) {
      const lineHostnames = etcHostsHostnames(line);
      // The reference crashes on an /etc/hosts line without hostnames (`1  #x`); we keep the line.
      if (lineHostnames.length === 0) {
        texts.push(line);
        hostnames.push(null);
      }
      for (const hostname of lineHostnames) keepFirstRuleFor(hostname, null, blocked, texts, hostnames);
    } else if (isJustDomain(line)) {
      keepFirstRuleFor(line, null, blocked, texts, hostnames);
    } else {
      const hostname = compressibleHostname(line);
      if (hostname === null) {
        texts.push(line);
        hostnames.push(null);
      } else {
        keepFirstRuleFor(hostname, line, blocked, texts, hostnames);
      }
    }
  }

  const blockedHashes = new Set<number>();
  const blockedLengths = new Set<number>();
  for (const hostname of blocked) {
    blockedHashes.add(suffixHash(hostname));
    blockedLengths.add(hostname.length);
  }
  const compressed: string[] = [];
  for (let index = 0; index < texts.length; index++) {
    const hostname = hostnames[index];
    if (hostname === null || !isCoveredByParent(hostname, blocked, blockedHashes, blockedLengths)) {
      compressed.push(texts[index]);
    }
  }
  return compressed;
}

/**
 * Keeps the rule only if it is the first one for its hostname; `text` null stands for
 * `||hostname^`, built only then. A function, not a closure (see `substring-matcher.ts`).
 */
function keepFirstRuleFor(
  hostname: string,
  text: string | null,
  blocked: Set<string>,
  texts: string[],
  hostnames: (string | null)[],
): void {
  const size = blocked.size;
  blocked.add(hostname); // one hash lookup instead of `has` then `add`
  if (blocked.size === size) return;
  texts.push(text ?? `||${hostname}^`);
  hostnames.push(hostname);
}

/** Only plain blocking rules like `||example.org^` (no exception, no modifiers) can be merged. */
function compressibleHostname(line: string): string | null {
  const text = line.trim();
  if (!text.includes("$")) return text.startsWith("@@") ? null : blockedHostname(text);
  const rule = parseAdblockRule(text);
  if (!rule || rule.allow || rule.options) return null;
  return blockedHostname(rule.pattern);
}

/** Multiplier of the polynomial hash (odd, with bits spread over the word). */
const HASH_BASE = 0x01000193;

/**
 * A polynomial hash computed from the last character to the first, so that one pass over a
 * hostname yields the hash of every suffix: at each dot, the hash of the parent domain after it.
 * `isCoveredByParent` computes the same value for a parent equal to `text`.
 */
function suffixHash(text: string): number {
  let hash = 0;
  for (let index = text.length - 1; index >= 0; index--) {
    hash = (Math.imul(hash, HASH_BASE) + charCodeAt.call(text, index)) | 0;
  }
  return hash;
}

/**
 * Whether a parent domain of `hostname` is blocked. A parent is looked up as a string only if its
 * hash is a blocked hostname's: a substring and a string lookup for every parent made up most of
 * Compress. Parents whose length no blocked hostname has are never looked up either, so crafted
 * hash collisions cost at most what looking up every such parent would: for a hostname with
 * thousands of labels, most parents are longer than any blocked hostname.
 */
function isCoveredByParent(
  hostname: string,
  blocked: ReadonlySet<string>,
  blockedHashes: ReadonlySet<number>,
  blockedLengths: ReadonlySet<number>,
): boolean {
  const length = hostname.length;
  let hash = 0; // of the characters after `index`
  for (let index = length - 1; index >= 0; index--) {
    const code = charCodeAt.call(hostname, index);
    if (
      code === 46 /* . */ &&
      blockedHashes.has(hash) &&
      blockedLengths.has(length - index - 1) &&
      blocked.has(substring.call(hostname, index + 1))
    ) {
      return true;
    }
    hash = (Math.imul(hash, HASH_BASE) + code) | 0;
  }
  return false;
}
