/** Configurations and pre-fetched lists shared by the compile API tests. */
import { TURNSTILE_DUMMY_TOKEN } from "../../scripts/lib/turnstile-stub.mjs";
import { jsonBody, randomIp } from "./accounts";

export const ADS_LIST_URL = "https://lists.example.org/ads.txt";
export const HOSTS_LIST_URL = "https://lists.example.org/hosts.txt";

export const adsList = [
  "! Ads",
  "||ads.example.com^",
  "||tracker.example.net^$third-party",
  "||ads.example.com^",
  "",
].join("\n");
export const hostsList = ["# hosts", "0.0.0.0 malware.example.com", "127.0.0.1 ads.example.com", ""].join("\n");

/** A fresh configuration per call (its name differs), so each test starts with a cold cache. */
export function configuration(overrides: Record<string, unknown> = {}) {
  return {
    name: `Test list ${crypto.randomUUID()}`,
    sources: [
      { name: "ads", source: ADS_LIST_URL, type: "adblock" },
      { name: "hosts", source: HOSTS_LIST_URL, type: "hosts" },
    ],
    transformations: ["RemoveComments", "Compress", "Deduplicate"],
    ...overrides,
  };
}

export const preFetchedContent = { [ADS_LIST_URL]: adsList, [HOSTS_LIST_URL]: hostsList };

/** An anonymous browser's compile request: its own IP and a Turnstile token. */
export const browserCompile = (body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  method: "POST",
  ...jsonBody({ turnstileToken: TURNSTILE_DUMMY_TOKEN, ...body }, { "CF-Connecting-IP": randomIp(), ...headers }),
});

/** The rules of a compiled list: what remains without comments and blank lines. */
export const rulesOf = (lines: string[]) => lines.filter((line) => line.trim() !== "" && !line.startsWith("!"));
