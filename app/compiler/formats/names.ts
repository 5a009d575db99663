/**
 * Names of the formats and their files. No imports beyond the format names: the browser bundle (playground,
 * job page) uses this without the compiler.
 */
import { DEFAULT_OUTPUT_FORMAT, OUTPUT_FORMATS, type OutputFormat } from "./report";

/** What a format's file name ends with: the format (but for the default) and the usual extension. */
export const FORMAT_FILE_SUFFIXES: Record<OutputFormat, string> = {
  adblock: "txt",
  hosts: "hosts.txt",
  domains: "domains.txt",
  dnsmasq: "dnsmasq.conf",
  unbound: "unbound.conf",
  rpz: "rpz.zone",
  "adguard-home": "adguard-home.txt",
};

/** `my-list` → `my-list.dnsmasq.conf`: the file name a format's output is saved under. */
function formatFileName(baseName: string, format: OutputFormat): string {
  return `${baseName}.${FORMAT_FILE_SUFFIXES[format]}`;
}

// Long enough for any list's name to be recognised, short enough for every file system and a phone's download bar.
const FILE_SLUG_MAX = 60;

/** `Énergie & Ads: EU` → `energie-ads-eu`: lowercase ASCII letters and digits joined by dashes ("list" when none). */
export function fileSlug(listName: string): string {
  const slug = listName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, FILE_SLUG_MAX)
    .replace(/^-+|-+$/g, "");
  return slug || "list";
}

/** 2026-12-07T23:10:00Z → `20261207` (UTC: the same list has the same name wherever it is saved). */
const compactDate = (date: Date) => date.toISOString().slice(0, 10).replaceAll("-", "");

/**
 * The one name of every file a list comes out as — the playground's download, a job's download,
 * a published list's file: `<slug of the list's name>-<YYYYMMDD of the compile>.<format's suffix>`,
 * e.g. `my-list-20261207.hosts.txt`. Without a date (the CLI's output folder, which a build
 * overwrites) `my-list.hosts.txt`.
 */
export function listFileName(listName: string, format: OutputFormat, compiledAt?: Date | string): string {
  const date = compiledAt === undefined ? "" : `-${compactDate(new Date(compiledAt))}`;
  return formatFileName(`${fileSlug(listName)}${date}`, format);
}

/** Reads `--format` values (`[]` → the default), or throws naming the formats there are. */
export function parseOutputFormats(names: readonly string[]): OutputFormat[] {
  for (const name of names) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(name)) {
      throw new Error(`unknown format "${name}" (one of: ${OUTPUT_FORMATS.join(", ")})`);
    }
  }
  return names.length === 0 ? [DEFAULT_OUTPUT_FORMAT] : [...new Set(names as OutputFormat[])];
}
