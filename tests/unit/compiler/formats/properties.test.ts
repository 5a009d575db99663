/**
 * Properties of every hostname format, on random lists (fast-check, fixed seed): no hostname is
 * written that no rule blocked, and no `@@` rule's hostname is written at all. adguard-home is
 * adblock syntax: it may only leave rules out.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, OUTPUT_FORMATS, type OutputFormat, type TransformationName } from "~/compiler";

const SEED = 17;
const RUNS = 150;

/** Few names, so rules meet: a name, its parent and its children all come up. */
const label = fc.constantFrom("ads", "a", "cdn", "Track", "x-1", "_srv", "metrics");
const domain = fc.constantFrom("example.com", "example.org", "test.net");
const hostname = fc
  .tuple(fc.array(label, { minLength: 0, maxLength: 2 }), domain)
  .map(([labels, base]) => [...labels, base].join("."));

/** Rules of every kind: those with a hostname the formats can write, and those they drop. */
const rule = fc.oneof(
  hostname.map((host) => `||${host}^`),
  hostname.map((host) => `|${host}^`),
  hostname.map((host) => `0.0.0.0 ${host}`),
  fc.tuple(hostname, hostname).map(([first, second]) => `127.0.0.1 ${first} ${second}`),
  hostname.map((host) => host),
  hostname.map((host) => `@@||${host}^`),
  hostname.map((host) => `@@|${host}^`),
  hostname.map((host) => `@@||${host}^$important`),
  hostname.map((host) => `||${host}^$third-party`),
  hostname.map((host) => `||${host}/ads.js`),
  hostname.map((host) => `||*.${host}^`),
  hostname.map((host) => `${host}##.banner`),
  hostname.map((host) => `1.2.3.4 ${host}`),
  fc.constantFrom("/ads[0-9]+\\.example\\.com/", "! a comment", "# another", "||1.2.3.4^", ""),
);

const transformations = fc.subarray<TransformationName>(["TrimLines", "Compress", "Deduplicate", "RemoveComments"]);

const HOSTNAME_FORMATS = OUTPUT_FORMATS.filter(
  (format): format is Exclude<OutputFormat, "adblock" | "adguard-home"> =>
    format !== "adblock" && format !== "adguard-home",
);

/** The hostname each entry line of a format names (comments and preambles have none). */
const ENTRY_PATTERNS: Record<(typeof HOSTNAME_FORMATS)[number], RegExp> = {
  hosts: /^0\.0\.0\.0 (\S+)$/,
  domains: /^([^\s#]+)$/,
  dnsmasq: /^address=\/([^/]+)\/$/,
  unbound: /^local-zone: "(\S+)\." always_nxdomain$/,
  rpz: /^(?:\*\.)?([^\s$@;]+) CNAME \.$/,
};

/**
 * The hostnames rules block and allow, read the simple way: anchors and `^` off, lowercase. With
 * Compress, an /etc/hosts line with any address blocks its names (Compress makes it `||name^`, as
 * the reference does).
 */
function hostnamesOf(rules: readonly string[], compress: boolean) {
  const blocked = new Set<string>();
  const allowed = new Set<string>();
  const blockingAddress = compress ? /^[\d.]+ / : /^(?:0\.0\.0\.0|127\.0\.0\.1) /;
  for (const line of rules) {
    const allow = line.startsWith("@@");
    const text = (allow ? line.slice(2) : line).replace(/\$.*$/, "");
    const hosts = blockingAddress.test(text)
      ? text.split(" ").slice(1)
      : [text.replace(/^\|\|?/, "").replace(/\^$/, "")];
    for (const host of hosts) (allow ? allowed : blocked).add(host.toLowerCase());
  }
  return { blocked, allowed };
}

describe("every output format, on random lists", () => {
  it("writes only hostnames some rule blocked, and none an @@ rule names; adguard-home only leaves rules out", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { maxLength: 40 }), transformations, async (rules, steps) => {
        const result = await compile(
          { name: "Random", sources: [{ source: "list.txt" }], transformations: steps },
          { loadSource: async () => rules.join("\n"), formats: [...OUTPUT_FORMATS] },
        );
        const { blocked, allowed } = hostnamesOf(rules, steps.includes("Compress"));
        for (const output of result.outputs) {
          const { report } = output;
          const dropped = Object.values(report.dropped).reduce((total, entry) => total + (entry?.count ?? 0), 0);
          expect(report.rulesWritten + dropped).toBe(report.rulesRead);
          if (output.format === "adblock") continue;
          if (output.format === "adguard-home") {
            const compiled = new Set(result.outputs.find((other) => other.format === "adblock")?.text.split("\n"));
            for (const line of output.text.split("\n")) {
              if (!line.startsWith("!")) expect(compiled.has(line), line).toBe(true);
            }
            continue;
          }
          const pattern = ENTRY_PATTERNS[output.format];
          for (const line of output.text.split("\n")) {
            const host = pattern.exec(line)?.[1];
            if (host === undefined) continue;
            expect(blocked.has(host), `${output.format}: ${line} — blocked by no rule`).toBe(true);
            expect(allowed.has(host), `${output.format}: ${line} — allowed by an @@ rule`).toBe(false);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
