/** The one file-name scheme of every list that comes out: <slug of the name>-<YYYYMMDD>.<format's suffix>. */
import { describe, expect, it } from "vitest";
import { fileSlug, listFileName } from "~/compiler/formats";

describe("listFileName", () => {
  it("slug of the name, the compile's UTC date and the format's suffix", () => {
    expect(listFileName("My Ads List", "hosts", "2026-12-07T23:59:59Z")).toBe("my-ads-list-20261207.hosts.txt");
    expect(listFileName("My Ads List", "adblock", new Date("2026-01-02T00:00:00Z"))).toBe("my-ads-list-20260102.txt");
    expect(listFileName("x", "rpz", "2026-03-04T05:06:07.000Z")).toBe("x-20260304.rpz.zone");
  });

  it("without a date (the CLI's output folder) → <slug>.<suffix>", () => {
    expect(listFileName("My List", "dnsmasq")).toBe("my-list.dnsmasq.conf");
  });

  it("a time late in the day east of UTC still names the UTC day", () => {
    expect(listFileName("l", "domains", "2026-12-08T01:30:00+05:00")).toBe("l-20261207.domains.txt");
  });
});

describe("fileSlug", () => {
  it("lowercase ASCII letters and digits joined by single dashes; accents folded", () => {
    expect(fileSlug("Énergie & Ads: EU — 2026!")).toBe("energie-ads-eu-2026");
    expect(fileSlug("  --Ads__Trackers..  ")).toBe("ads-trackers");
  });

  it('nothing usable (only symbols, or a script with no ASCII letters) → "list"', () => {
    expect(fileSlug("!!!")).toBe("list");
    expect(fileSlug("広告リスト")).toBe("list");
    expect(fileSlug("")).toBe("list");
  });

  it("long names are cut at 60 characters, never ending in a dash", () => {
    const slug = fileSlug(`${"a".repeat(59)} b c`);
    expect(slug).toBe("a".repeat(59));
    expect(fileSlug("word ".repeat(30)).length).toBeLessThanOrEqual(60);
    expect(fileSlug("word ".repeat(30))).not.toMatch(/-$/);
  });
});
