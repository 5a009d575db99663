/**
 * Which source URLs the Worker may fetch on a user's behalf — the SSRF rules, pure so they run
 * in Node unit tests as well as in workerd (no Worker APIs here).
 *
 * Rules are checked on the WHATWG-parsed URL, which already turns `http://2130706433/`,
 * `http://0x7f.1/` and `http://017700000001/` into `127.0.0.1`, decodes percent-escapes and
 * IDNA-maps the host. The address parsers below still accept the legacy inet_aton forms so a
 * hostname classified outside URL parsing gets the same answer.
 *
 * Limits of a hostname check: a public DNS name that resolves to a private address (DNS
 * rebinding, `127.0.0.1.nip.io`) is not detectable here — Workers cannot resolve names — and
 * relies on Cloudflare's egress not routing to private networks.
 */

const ALLOWED_PROTOCOLS = new Set(["http:", "https:"]);
const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };
// Longer than any honest URL; keeps messages and logs readable.
const MAX_DISPLAY_LENGTH = 200;

export type AddressClass =
  | "public"
  | "localhost"
  | "internal_name"
  | "metadata"
  | "loopback"
  | "private"
  | "shared"
  | "link_local"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "unique_local"
  | "ipv4_mapped"
  | "ipv4_embedded"
  | "invalid";

export type SourceUrlRefusal = "invalid_url" | "scheme" | "credentials" | Exclude<AddressClass, "public">;

export type SourceUrlCheck = { ok: true; url: URL } | { ok: false; reason: SourceUrlRefusal; message: string };

const CLASS_DESCRIPTIONS: Record<Exclude<AddressClass, "public">, string> = {
  localhost: "is localhost",
  internal_name: "is not a public host name",
  metadata: "is a cloud metadata service",
  loopback: "is a loopback address",
  private: "is a private network address",
  shared: "is a carrier-grade NAT (shared) address",
  link_local: "is a link-local address",
  unspecified: "is an unspecified address",
  multicast: "is a multicast or broadcast address",
  reserved: "is a reserved or non-global address",
  unique_local: "is a unique-local IPv6 address",
  ipv4_mapped: "is an IPv4-mapped IPv6 address",
  ipv4_embedded: "is an IPv6 address that embeds an IPv4 address",
  invalid: "is not a valid host",
};

/**
 * Decides whether `input` may be fetched. `allowedPrivateHosts` are exact `host:port` pairs
 * (development and tests only) that skip the address rules; scheme and credential rules still apply.
 */
export function checkSourceUrl(
  input: string | URL,
  options: { allowedPrivateHosts?: readonly string[] } = {},
): SourceUrlCheck {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: "invalid_url", message: "The source is not a valid URL." };
  }
  const shown = displayUrl(url);
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    return { ok: false, reason: "scheme", message: `${shown}: only http and https sources can be fetched.` };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      reason: "credentials",
      message: `${shown}: source URLs must not contain a user name or password.`,
    };
  }
  if (isAllowedPrivateHost(url, options.allowedPrivateHosts ?? [])) return { ok: true, url };
  const addressClass = classifyHostname(url.hostname);
  if (addressClass === "public") return { ok: true, url };
  return {
    ok: false,
    reason: addressClass,
    message: `${shown}: the host ${CLASS_DESCRIPTIONS[addressClass]}; only public hosts can be fetched.`,
  };
}

/** `host:port` with the scheme's default port filled in, as SOURCE_ALLOW_PRIVATE_HOSTS lists them. */
export function hostAndPort(url: URL): string {
  return `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol] || ""}`;
}

function isAllowedPrivateHost(url: URL, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false;
  const actual = hostAndPort(url);
  return allowed.some((entry) => entry.trim().toLowerCase() === actual);
}

/**
 * Origin and path only: query strings and fragments often carry tokens, and credentials never
 * belong in a message.
 */
export function displayUrl(url: URL): string {
  const text = `${url.protocol}//${url.host}${url.pathname}`;
  return text.length > MAX_DISPLAY_LENGTH ? `${text.slice(0, MAX_DISPLAY_LENGTH)}…` : text;
}

// Names that resolve inside a network, never on the public internet (RFC 6761, RFC 8375, cloud DNS).
const METADATA_HOSTNAMES = new Set(["metadata", "metadata.google.internal", "instance-data"]);
const INTERNAL_SUFFIXES = ["internal", "local", "localdomain", "lan", "home.arpa", "intranet"];

/** Classifies a URL hostname: an IPv4 address (any inet_aton form), a bracketed IPv6 address or a name. */
export function classifyHostname(rawHostname: string): AddressClass {
  const hostname = rawHostname.toLowerCase().replace(/\.$/, "");
  if (hostname.startsWith("[") || hostname.includes(":")) {
    const groups = parseIpv6(hostname.replace(/^\[|\]$/g, ""));
    return groups ? classifyIpv6(groups) : "invalid";
  }
  const ipv4 = parseIpv4(hostname);
  if (ipv4 !== null) return classifyIpv4(ipv4);
  // A name ending in a number must be an IPv4 address (as URL parsing decides); this one is not.
  if (hostname === "" || /^(\d+|0x[0-9a-f]*)$/i.test(hostname.split(".").pop() ?? "")) return "invalid";
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return "localhost";
  if (METADATA_HOSTNAMES.has(hostname)) return "metadata";
  if (INTERNAL_SUFFIXES.some((suffix) => hostname === suffix || hostname.endsWith(`.${suffix}`))) {
    return "internal_name";
  }
  // Single-label names resolve through search domains to hosts inside a network.
  if (!hostname.includes(".")) return "internal_name";
  return "public";
}

/**
 * An IPv4 address as inet_aton reads it — 1 to 4 parts, each decimal, `0x` hex or `0`-prefixed
 * octal, the last part filling the remaining bytes — as an unsigned 32-bit number; null when
 * `text` is not such an address (then it is a name).
 */
export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = Number.parseInt(part.slice(1), 8);
    else if (/^(0|[1-9]\d*)$/.test(part)) value = Number(part);
    else return null;
    values.push(value);
  }
  const last = values.pop() as number;
  if (values.some((value) => value > 255) || last >= 256 ** (4 - values.length)) return null;
  return values.reduce((sum, value, index) => sum + value * 256 ** (3 - index), 0) + last;
}

const ipv4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

// IANA special-purpose registry (RFC 6890 and successors); first match wins, so the metadata
// address precedes its link-local block. 100.100.100.200 (Alibaba) falls in shared and
// 192.0.0.192 (Oracle) in reserved.
const IPV4_RANGES: ReadonlyArray<readonly [base: number, prefix: number, addressClass: AddressClass]> = [
  [ipv4(0, 0, 0, 0), 8, "unspecified"],
  [ipv4(10, 0, 0, 0), 8, "private"],
  [ipv4(100, 64, 0, 0), 10, "shared"],
  [ipv4(127, 0, 0, 0), 8, "loopback"],
  [ipv4(169, 254, 169, 254), 32, "metadata"],
  [ipv4(169, 254, 0, 0), 16, "link_local"],
  [ipv4(172, 16, 0, 0), 12, "private"],
  [ipv4(192, 0, 0, 0), 24, "reserved"],
  [ipv4(192, 0, 2, 0), 24, "reserved"],
  [ipv4(192, 88, 99, 0), 24, "reserved"],
  [ipv4(192, 168, 0, 0), 16, "private"],
  [ipv4(198, 18, 0, 0), 15, "reserved"],
  [ipv4(198, 51, 100, 0), 24, "reserved"],
  [ipv4(203, 0, 113, 0), 24, "reserved"],
  [ipv4(224, 0, 0, 0), 4, "multicast"],
  [ipv4(240, 0, 0, 0), 4, "reserved"],
];

function classifyIpv4(address: number): AddressClass {
  for (const [base, prefix, addressClass] of IPV4_RANGES) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((address & mask) >>> 0 === base) return addressClass;
  }
  return "public";
}

/** Eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail), or null. */
export function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-f:.]+$/i.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === "") return [];
    const groups: number[] = [];
    const pieces = part.split(":");
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes(".")) {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(piece)) return null;
        const octets = piece.split(".").map(Number);
        if (octets.some((octet) => octet > 255)) return null;
        groups.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
        groups.push(Number.parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
}

const ipv6 = (text: string) => (parseIpv6(text) as number[]).reduce((sum, group) => (sum << 16n) | BigInt(group), 0n);

// Only global unicast (2000::/3) is fetchable; within it, the blocks that are documentation or
// tunnel IPv4 addresses (6to4, Teredo) are not. Forms that embed an IPv4 address are refused
// outright: no public list is published on one, and the embedded address could be private.
const IPV6_RANGES: ReadonlyArray<readonly [base: bigint, prefix: number, addressClass: AddressClass]> = [
  [ipv6("::"), 128, "unspecified"],
  [ipv6("::1"), 128, "loopback"],
  [ipv6("::ffff:0:0"), 96, "ipv4_mapped"],
  [ipv6("::"), 96, "ipv4_embedded"],
  [ipv6("64:ff9b::"), 96, "ipv4_embedded"],
  [ipv6("64:ff9b:1::"), 48, "ipv4_embedded"],
  [ipv6("2001::"), 32, "ipv4_embedded"],
  [ipv6("2002::"), 16, "ipv4_embedded"],
  [ipv6("2001::"), 23, "reserved"],
  [ipv6("2001:db8::"), 32, "reserved"],
  [ipv6("3fff::"), 20, "reserved"],
  [ipv6("fc00::"), 7, "unique_local"],
  [ipv6("fe80::"), 10, "link_local"],
  [ipv6("ff00::"), 8, "multicast"],
  [ipv6("2000::"), 3, "public"],
];

function classifyIpv6(groups: readonly number[]): AddressClass {
  const address = groups.reduce((sum, group) => (sum << 16n) | BigInt(group), 0n);
  for (const [base, prefix, addressClass] of IPV6_RANGES) {
    if (address >> BigInt(128 - prefix) === base >> BigInt(128 - prefix)) return addressClass;
  }
  return "reserved";
}
