import { blockedHostname, etcHostsHostnames, isEtcHostsRule, isJustDomain, parseAdblockRule } from "../rule";

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

  const addHostnameRule = (text: string, hostname: string) => {
    if (blocked.has(hostname)) return;
    blocked.add(hostname);
    texts.push(text);
    hostnames.push(hostname);
  };

  for (const line of lines) {
    if (isEtcHostsRule(line)) {
      const lineHostnames = etcHostsHostnames(line);
      // The reference crashes on an /etc/hosts line without hostnames (`1  #x`); we keep the line.
      if (lineHostnames.length === 0) {
        texts.push(line);
        hostnames.push(null);
      }
      for (const hostname of lineHostnames) addHostnameRule(`||${hostname}^`, hostname);
    } else if (isJustDomain(line)) {
      addHostnameRule(`||${line}^`, line);
    } else {
      const hostname = compressibleHostname(line);
      if (hostname === null) {
        texts.push(line);
        hostnames.push(null);
      } else {
        addHostnameRule(line, hostname);
      }
    }
  }

  const blockedLengths = new Set<number>();
  for (const hostname of blocked) blockedLengths.add(hostname.length);
  const compressed: string[] = [];
  for (let index = 0; index < texts.length; index++) {
    const hostname = hostnames[index];
    if (hostname === null || !isCoveredByParent(hostname, blocked, blockedLengths)) compressed.push(texts[index]);
  }
  return compressed;
}

/** Only plain blocking rules like `||example.org^` (no exception, no modifiers) can be merged. */
function compressibleHostname(line: string): string | null {
  const text = line.trim();
  if (!text.includes("$")) return text.startsWith("@@") ? null : blockedHostname(text);
  const rule = parseAdblockRule(text);
  if (!rule || rule.allow || rule.options) return null;
  return blockedHostname(rule.pattern);
}

/**
 * Whether a parent domain of `hostname` is blocked. Only parents as long as some blocked hostname
 * are looked up: hashing every parent of a hostname with thousands of labels would be quadratic.
 */
function isCoveredByParent(hostname: string, blocked: ReadonlySet<string>, blockedLengths: ReadonlySet<number>) {
  for (let dot = hostname.indexOf("."); dot !== -1; dot = hostname.indexOf(".", dot + 1)) {
    const parentLength = hostname.length - dot - 1;
    if (blockedLengths.has(parentLength) && blocked.has(hostname.substring(dot + 1))) return true;
  }
  return false;
}
