import type { LineList } from "../line-list";
import { writeAdblock } from "./adblock";
import { writeAdguardHome } from "./adguard-home";
import type { FormatContext, FormatOutput } from "./context";
import { dnsmasq } from "./dnsmasq";
import { domains } from "./domains";
import { type HostFormat, writeHostFormat } from "./host-list";
import { hosts } from "./hosts";
import type { OutputFormat } from "./report";
import { rpz } from "./rpz";
import { unbound } from "./unbound";

const HOST_FORMATS: Partial<Record<OutputFormat, HostFormat>> = { hosts, domains, dnsmasq, unbound, rpz };

/**
 * Writes the compiled list (`list`: the rules, `header`: the adblock header above them) in each
 * of `formats`, in that order. `rulesUnique`: no two rules of `list` are the same line (the
 * list-level Deduplicate ran, and nothing after it adds a rule). The list is only read, except by the adblock pass, which takes its
 * text and so runs last.
 */
export function writeFormats(
  list: LineList,
  formats: readonly OutputFormat[],
  context: FormatContext & { header: readonly string[]; ruleCount: number; rulesUnique?: boolean },
): FormatOutput[] {
  const outputs = new Map<OutputFormat, FormatOutput>();
  // the steps leave the index sized for every line they removed (decision 0036): not beside the outputs
  if (formats.some((format) => format !== "adblock")) list.fitIndex();
  for (const format of formats) {
    if (format === "adblock" || outputs.has(format)) continue;
    const hostFormat = HOST_FORMATS[format];
    outputs.set(
      format,
      hostFormat
        ? writeHostFormat(hostFormat, list, context, context.rulesUnique === true)
        : writeAdguardHome(list, context),
    );
  }
  if (formats.includes("adblock")) outputs.set("adblock", writeAdblock(list, context.header, context.ruleCount));
  return [...new Set(formats)].map((format) => outputs.get(format)!);
}
