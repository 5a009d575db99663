import { compile, type FormatReport, type OutputFormat } from "~/compiler";

/** One rule of every kind the formats tell apart, in a list compiled without transformations. */
export const FIXTURE_RULES = [
  "! Ads and trackers",
  "||ads.example.com^",
  "||Tracker.Example.org^",
  "@@||ok.ads.example.com^",
  "||allowed.example.net^",
  "@@||allowed.example.net^",
  "|exact.example.net^",
  "0.0.0.0 hosts1.example.com hosts2.example.com",
  "127.0.0.1 local.example.com # a comment",
  "1.2.3.4 redirect.example.com",
  "plain.example.info",
  "@@|exact-allow.example.org^",
  "|exact-allow.example.org^",
  "||sub.exact-allow.example.org^",
  "@@||ads.example.com/path",
  "example.com##.banner",
  "example.com#@#.banner",
  "||path.example.com/ads.js",
  "||port.example.com:8080^",
  "/banner\\d+\\.example\\.com/",
  "||wild*.example.com^",
  "||prefix",
  "||mod.example.com^$third-party",
  "||dns.example.com^$important",
  "||1.2.3.4^",
  "||bad-.example.com^",
  "||ads.example.com^",
];

export const FIXTURE_TIME = new Date("2026-01-02T03:04:05Z");

export async function compileFixture(formats: OutputFormat[], rules: readonly string[] = FIXTURE_RULES) {
  return compile(
    {
      name: "Fixture list",
      version: "2.0",
      homepage: "https://example.org/list",
      sources: [{ name: "Rules", source: "rules.txt" }],
    },
    { loadSource: async () => rules.join("\n"), now: () => FIXTURE_TIME, compilerVersion: "1.0.0", formats },
  );
}

/** The list header and the source header, in a format's comments. */
export function fixtureHeader(comment: string, format: OutputFormat): string[] {
  return [
    comment,
    `${comment} Title: Fixture list`,
    `${comment} Version: 2.0`,
    `${comment} Homepage: https://example.org/list`,
    `${comment} Last modified: 2026-01-02T03:04:05.000Z`,
    comment,
    `${comment} Compiled by Bloqr v1.0.0`,
    comment,
    `${comment} Format: ${format}, converted from the compiled adblock-syntax list (the source of truth)`,
    comment,
  ];
}

export function sourceHeader(comment: string): string[] {
  return [
    comment,
    `${comment} Source name: Rules`,
    `${comment} Source: rules.txt`,
    comment,
    `${comment} Ads and trackers`,
  ];
}

/** `{ reason: count }` of one part of a report. */
export function counts(reasons: FormatReport["dropped" | "narrowed" | "widened"]): Record<string, number> {
  return Object.fromEntries(Object.entries(reasons).map(([reason, entry]) => [reason, entry?.count]));
}
