/** Configurations offered by the playground. A preset may carry its lists, so it compiles offline too. */

export interface Preset {
  id: string;
  label: string;
  configuration: Record<string, unknown>;
  preFetchedContent?: Record<string, string>;
}

const DEMO_ADS = "https://lists.bloqr.dev/demo/ads.txt";
const DEMO_HOSTS = "https://lists.bloqr.dev/demo/hosts.txt";

export const PRESETS: Preset[] = [
  {
    id: "demo",
    label: "Demo: ads and trackers (lists included)",
    configuration: {
      name: "Bloqr demo list",
      description: "Two small lists, one in AdGuard syntax and one in hosts syntax, merged and cleaned.",
      sources: [
        { name: "Demo ads", source: DEMO_ADS, type: "adblock" },
        { name: "Demo hosts", source: DEMO_HOSTS, type: "hosts" },
      ],
      transformations: [
        "RemoveComments",
        "Compress",
        "Validate",
        "Deduplicate",
        "RemoveEmptyLines",
        "InsertFinalNewLine",
      ],
      exclusions: ["allowed.example.org"],
    },
    preFetchedContent: {
      [DEMO_ADS]: [
        "! Demo ads list",
        "||ads.example.com^",
        "||tracker.example.net^$third-party",
        "||ads.example.com^",
        "@@||allowed.example.org^",
        "example.com##.banner",
        "",
        "||metrics.example.io^",
      ].join("\n"),
      [DEMO_HOSTS]: [
        "# Demo hosts list",
        "0.0.0.0 malware.example.com",
        "127.0.0.1 ads.example.com",
        "0.0.0.0 allowed.example.org",
        "0.0.0.0 telemetry.example.net # phones home",
      ].join("\n"),
    },
  },
  {
    id: "adguard-dns",
    label: "AdGuard DNS filter",
    configuration: {
      name: "AdGuard DNS filter (compiled)",
      sources: [
        {
          name: "AdGuard DNS filter",
          source: "https://adguardteam.github.io/AdGuardSDNSFilter/Filters/filter.txt",
          type: "adblock",
        },
      ],
      transformations: ["RemoveComments", "Validate", "Deduplicate", "RemoveEmptyLines"],
    },
  },
  {
    id: "stevenblack",
    label: "StevenBlack unified hosts",
    configuration: {
      name: "StevenBlack hosts (compressed)",
      sources: [
        {
          name: "StevenBlack",
          source: "https://raw.githubusercontent.com/StevenBlack/hosts/master/hosts",
          type: "hosts",
        },
      ],
      transformations: ["RemoveComments", "Compress", "Deduplicate", "RemoveEmptyLines"],
    },
  },
];

/** Cloudflare's documented Turnstile test site keys: with one of them the widget hands out a dummy token. */
export const isTurnstileTestSiteKey = (siteKey: string) => /^[123]x0{20}[A-F]{2}$/.test(siteKey);
export const TURNSTILE_DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX";
