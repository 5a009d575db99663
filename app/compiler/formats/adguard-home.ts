import type { LineList } from "../line-list";
import { SUPPORTED_MODIFIERS } from "../modifiers";
import { isComment, parseAdblockRule } from "../rule";
import { bytesOutput, convertedHeader, type FormatContext, type FormatOutput } from "./context";
import { isBlank, isCosmetic } from "./read-rule";
import { ReportBuilder } from "./report";
import { TextBuilder } from "./text-builder";

/**
 * AdGuard Home's DNS filtering syntax: the adblock list without what AdGuard Home ignores, cosmetic
 * rules and rules with a modifier it does not support (it drops such a rule whole). The rest —
 * `@@` rules, regular expressions, wildcards, /etc/hosts lines — it reads as they are.
 */
export function writeAdguardHome(list: LineList, context: FormatContext): FormatOutput {
  const report = new ReportBuilder("adguard-home");
  const output = new TextBuilder();
  for (const line of convertedHeader(context, "adguard-home", "!")) output.push(line);
  for (let index = 0; index < list.length; index++) {
    const line = list.get(index);
    if (!isBlank(line) && !isComment(line)) {
      if (isCosmetic(line)) {
        report.dropped("cosmetic", line);
        continue;
      }
      if (line.includes("$") && hasUnsupportedModifier(line)) {
        report.dropped("has_modifiers", line);
        continue;
      }
      report.written();
    }
    output.push(line);
  }
  return bytesOutput("adguard-home", output.blocks(), report.report);
}

function hasUnsupportedModifier(line: string): boolean {
  const options = parseAdblockRule(line)?.options ?? [];
  return options.some((option) => !SUPPORTED_MODIFIERS.has(option.name));
}
