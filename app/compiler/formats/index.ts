export type { FormatContext, FormatOutput } from "./context";
export { convertCompiledList } from "./convert";
export type { DropReason, FormatReport, NarrowReason, OutputFormat, ReasonCount, WidenReason } from "./report";
export { DEFAULT_OUTPUT_FORMAT, MAX_REPORT_EXAMPLES, OUTPUT_FORMATS } from "./report";
export { writeFormats } from "./write";

import type { OutputFormat } from "./report";

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
