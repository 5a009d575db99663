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
export function formatFileName(baseName: string, format: OutputFormat): string {
  return `${baseName}.${FORMAT_FILE_SUFFIXES[format]}`;
}

/** The file a list called `listName` is saved under in `format`: `My List` → `My-List.hosts.txt`. */
export function listFileName(listName: string, format: OutputFormat): string {
  return formatFileName(listName.replace(/[^\w.-]+/g, "-").replace(/^-|-$/g, "") || "list", format);
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
