export type { FormatContext, FormatOutput } from "./context";
export { convertCompiledList } from "./convert";
export type { DropReason, FormatReport, NarrowReason, OutputFormat, ReasonCount, WidenReason } from "./report";
export { DEFAULT_OUTPUT_FORMAT, MAX_REPORT_EXAMPLES, OUTPUT_FORMATS } from "./report";
export { writeFormats } from "./write";

import {
  DEFAULT_OUTPUT_FORMAT,
  type FormatReport,
  OUTPUT_FORMATS,
  type OutputFormat,
  type ReasonCount,
} from "./report";

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

/** One line for logs and the CLI's `-v`: `hosts: 120 of 130 rules written; dropped: 8 cosmetic, 2 has_path`. */
export function describeFormatReport(report: FormatReport): string {
  const counts = (reasons: Partial<Record<string, ReasonCount>>) =>
    Object.entries(reasons)
      .map(([reason, count]) => `${count?.count} ${reason}`)
      .join(", ");
  let text = `${report.format}: ${report.rulesWritten} of ${report.rulesRead} rules written`;
  for (const [label, reasons] of [
    ["dropped", report.dropped],
    ["narrowed", report.narrowed],
    ["widened", report.widened],
  ] as const) {
    if (Object.keys(reasons).length > 0) text += `; ${label}: ${counts(reasons)}`;
  }
  return text;
}
