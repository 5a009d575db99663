import { describe, expect, it } from "vitest";
import { compile, OUTPUT_FORMATS } from "~/compiler";
import { compileFixture, counts, FIXTURE_RULES, fixtureHeader, sourceHeader } from "./fixture";

/** What every hostname format drops for the same reasons (the fixture has one or more of each). */
const DROPPED_BY_ALL = {
  allowlist_applied: 3,
  has_path: 3,
  redirect: 1,
  cosmetic: 2,
  regex: 1,
  wildcard: 2,
  has_modifiers: 2,
  ip_address: 1,
  not_a_hostname: 1,
};

const file = (...parts: string[][]) => `${parts.flat().join("\n")}\n`;

describe("output formats, on a fixed list with every kind of rule", () => {
  it("adblock (the default) is the compiled list itself, every rule written", async () => {
    const result = await compileFixture([]);
    expect(result.outputs.map((output) => output.format)).toEqual(["adblock"]);
    expect(result.text).toBe(
      [
        "!",
        "! Title: Fixture list",
        "! Version: 2.0",
        "! Homepage: https://example.org/list",
        "! Last modified: 2026-01-02T03:04:05.000Z",
        "!",
        "! Compiled by Bloqr v1.0.0",
        "!",
        "!",
        "! Source name: Rules",
        "! Source: rules.txt",
        "!",
        ...FIXTURE_RULES,
      ].join("\n"),
    );
    expect(result.metrics.formats).toEqual([
      { format: "adblock", rulesRead: 26, rulesWritten: 26, dropped: {}, narrowed: {}, widened: {} },
    ]);
  });

  it("every format from one compile, in the order asked; the adblock text is the same as alone", async () => {
    const alone = await compileFixture(["adblock"]);
    const all = await compileFixture([...OUTPUT_FORMATS].reverse());
    expect(all.outputs.map((output) => output.format)).toEqual([...OUTPUT_FORMATS].reverse());
    expect(all.text).toBe(all.outputs[0].text);
    expect(all.outputs.find((output) => output.format === "adblock")?.text).toBe(alone.text);
    expect(all.metrics.formats).toEqual(all.outputs.map((output) => output.report));
  });

  it("hosts: `0.0.0.0 host` for the name alone — ||host^ loses its subdomains, counted", async () => {
    const { text, outputs } = await compileFixture(["hosts"]);
    expect(text).toBe(
      file(fixtureHeader("#", "hosts"), sourceHeader("#"), [
        "0.0.0.0 ads.example.com",
        "0.0.0.0 tracker.example.org",
        "0.0.0.0 exact.example.net",
        "0.0.0.0 hosts1.example.com",
        "0.0.0.0 hosts2.example.com",
        "0.0.0.0 local.example.com",
        "0.0.0.0 plain.example.info",
        "0.0.0.0 sub.exact-allow.example.org",
      ]),
    );
    expect(outputs[0].report).toEqual({
      format: "hosts",
      rulesRead: 27,
      rulesWritten: 8,
      dropped: {
        allowlist_applied: {
          count: 3,
          examples: ["@@||ok.ads.example.com^", "@@||allowed.example.net^", "@@|exact-allow.example.org^"],
        },
        has_path: {
          count: 3,
          examples: ["@@||ads.example.com/path", "||path.example.com/ads.js", "||port.example.com:8080^"],
        },
        allowlisted: { count: 2, examples: ["||allowed.example.net^", "|exact-allow.example.org^"] },
        redirect: { count: 1, examples: ["1.2.3.4 redirect.example.com"] },
        cosmetic: { count: 2, examples: ["example.com##.banner", "example.com#@#.banner"] },
        regex: { count: 1, examples: ["/banner\\d+\\.example\\.com/"] },
        wildcard: { count: 2, examples: ["||wild*.example.com^", "||prefix"] },
        has_modifiers: { count: 2, examples: ["||mod.example.com^$third-party", "||dns.example.com^$important"] },
        ip_address: { count: 1, examples: ["||1.2.3.4^"] },
        not_a_hostname: { count: 1, examples: ["||bad-.example.com^"] },
        duplicate: { count: 1, examples: ["||ads.example.com^"] },
      },
      narrowed: {
        subdomains_not_covered: {
          count: 3,
          examples: ["||ads.example.com^", "||Tracker.Example.org^", "||sub.exact-allow.example.org^"],
        },
      },
      widened: {},
    });
  });

  it("domains: one name a line, the same entries as hosts", async () => {
    const { text, outputs } = await compileFixture(["domains"]);
    expect(text).toBe(
      file(fixtureHeader("#", "domains"), sourceHeader("#"), [
        "ads.example.com",
        "tracker.example.org",
        "exact.example.net",
        "hosts1.example.com",
        "hosts2.example.com",
        "local.example.com",
        "plain.example.info",
        "sub.exact-allow.example.org",
      ]),
    );
    const { report } = outputs[0];
    expect([report.rulesRead, report.rulesWritten]).toEqual([27, 8]);
    expect(counts(report.dropped)).toEqual({ ...DROPPED_BY_ALL, allowlisted: 2, duplicate: 1 });
    expect(counts(report.narrowed)).toEqual({ subdomains_not_covered: 3 });
    expect(counts(report.widened)).toEqual({});
  });

  it("dnsmasq: address=/host/ covers subdomains — a name alone widens, an allowed subdomain drops its parent", async () => {
    const { text, outputs } = await compileFixture(["dnsmasq"]);
    expect(text).toBe(
      file(fixtureHeader("#", "dnsmasq"), sourceHeader("#"), [
        "address=/tracker.example.org/",
        "address=/exact.example.net/",
        "address=/hosts1.example.com/",
        "address=/hosts2.example.com/",
        "address=/local.example.com/",
        "address=/plain.example.info/",
        "address=/sub.exact-allow.example.org/",
      ]),
    );
    const { report } = outputs[0];
    expect([report.rulesRead, report.rulesWritten]).toEqual([27, 7]);
    // both ||ads.example.com^ go: @@||ok.ads.example.com^ allows a name below them
    expect(counts(report.dropped)).toEqual({ ...DROPPED_BY_ALL, allowlisted: 4 });
    expect(report.dropped.allowlisted?.examples).toEqual([
      "||ads.example.com^",
      "||allowed.example.net^",
      "|exact-allow.example.org^",
      "||ads.example.com^",
    ]);
    expect(counts(report.narrowed)).toEqual({});
    expect(counts(report.widened)).toEqual({ subdomains_added: 5 });
  });

  it("unbound: local-zone always_nxdomain inside server:, the same entries as dnsmasq", async () => {
    const { text, outputs } = await compileFixture(["unbound"]);
    expect(text).toBe(
      file(fixtureHeader("#", "unbound"), ["server:"], sourceHeader("#"), [
        'local-zone: "tracker.example.org." always_nxdomain',
        'local-zone: "exact.example.net." always_nxdomain',
        'local-zone: "hosts1.example.com." always_nxdomain',
        'local-zone: "hosts2.example.com." always_nxdomain',
        'local-zone: "local.example.com." always_nxdomain',
        'local-zone: "plain.example.info." always_nxdomain',
        'local-zone: "sub.exact-allow.example.org." always_nxdomain',
      ]),
    );
    const { report } = outputs[0];
    expect([report.rulesRead, report.rulesWritten]).toEqual([27, 7]);
    expect(counts(report.dropped)).toEqual({ ...DROPPED_BY_ALL, allowlisted: 4 });
    expect(counts(report.widened)).toEqual({ subdomains_added: 5 });
  });

  it("rpz: a zone with $TTL, SOA and NS; name alone → host CNAME ., ||host^ → also *.host", async () => {
    const { text, outputs } = await compileFixture(["rpz"]);
    expect(text).toBe(
      file(
        fixtureHeader(";", "rpz"),
        ["$TTL 300", "@ IN SOA localhost. hostmaster.localhost. 1767323045 3600 600 604800 300", "@ IN NS localhost."],
        sourceHeader(";"),
        [
          // an allowed subdomain (ok.ads.example.com) keeps only the name itself
          "ads.example.com CNAME .",
          "tracker.example.org CNAME .",
          "*.tracker.example.org CNAME .",
          "exact.example.net CNAME .",
          "hosts1.example.com CNAME .",
          "hosts2.example.com CNAME .",
          "local.example.com CNAME .",
          "plain.example.info CNAME .",
          "sub.exact-allow.example.org CNAME .",
          "*.sub.exact-allow.example.org CNAME .",
        ],
      ),
    );
    const { report } = outputs[0];
    expect([report.rulesRead, report.rulesWritten]).toEqual([27, 8]);
    expect(counts(report.dropped)).toEqual({ ...DROPPED_BY_ALL, allowlisted: 2, duplicate: 1 });
    expect(report.narrowed).toEqual({ subdomain_allowlisted: { count: 1, examples: ["||ads.example.com^"] } });
    expect(counts(report.widened)).toEqual({});
  });

  it("adguard-home: the adblock list without cosmetic rules and modifiers AdGuard Home ignores", async () => {
    const { text, outputs } = await compileFixture(["adguard-home"]);
    const dropped = ["example.com##.banner", "example.com#@#.banner", "||mod.example.com^$third-party"];
    expect(text).toBe(
      [
        ...fixtureHeader("!", "adguard-home"),
        "!",
        "! Source name: Rules",
        "! Source: rules.txt",
        "!",
        ...FIXTURE_RULES.filter((rule) => !dropped.includes(rule)),
      ].join("\n"),
    );
    expect(outputs[0].report).toEqual({
      format: "adguard-home",
      rulesRead: 26,
      rulesWritten: 23,
      dropped: {
        cosmetic: { count: 2, examples: ["example.com##.banner", "example.com#@#.banner"] },
        has_modifiers: { count: 1, examples: ["||mod.example.com^$third-party"] },
      },
      narrowed: {},
      widened: {},
    });
  });

  it("non-ASCII comments come through unchanged (the output is written as UTF-8 bytes)", async () => {
    const result = await compile(
      { name: "Lïste ✓", sources: [{ source: "a.txt", name: "Ünïcode 🚫" }] },
      { loadSource: async () => "! Größe 🚫\n||ads.example.com^", formats: ["hosts"], now: () => new Date(0) },
    );
    expect(result.text).toContain("# Title: Lïste ✓\n");
    expect(result.text).toContain(
      "\n# Source name: Ünïcode 🚫\n# Source: a.txt\n#\n# Größe 🚫\n0.0.0.0 ads.example.com\n",
    );
  });

  it("keeps at most 5 examples per reason, and counts them all", async () => {
    const rules = Array.from({ length: 8 }, (_, index) => `example${index}.com##.ad`);
    const { outputs } = await compileFixture(["domains"], rules);
    expect(outputs[0].report.dropped.cosmetic).toEqual({ count: 8, examples: rules.slice(0, 5) });
  });

  it("the format events come after the transformations, one per converted format, before done", async () => {
    const events: string[] = [];
    await compile(
      { name: "x", sources: [{ source: "a.txt" }] },
      {
        loadSource: async () => "||a.example.com^",
        formats: ["adblock", "hosts"],
        onEvent: (event) => events.push(event.type === "format" ? `format ${event.format}` : event.type),
      },
    );
    expect(events).toEqual(["source_start", "source_done", "format hosts", "done"]);
  });
});
