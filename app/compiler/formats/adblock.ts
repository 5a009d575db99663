import type { LineList } from "../line-list";
import { type FormatOutput, textOutput } from "./context";
import { type FormatReport, ReportBuilder } from "./report";

/**
 * The compiled list as it is — the reference's output, byte for byte. It takes the list's text
 * (`LineList.takeText`), so it is the last pass over the list.
 */
export function writeAdblock(list: LineList, header: readonly string[], ruleCount: number): FormatOutput {
  return textOutput("adblock", list.takeText(header), adblockReport(ruleCount));
}

/** The adblock pass's report: every rule written as it is. */
export function adblockReport(ruleCount: number): FormatReport {
  const { report } = new ReportBuilder("adblock");
  report.rulesRead = report.rulesWritten = ruleCount;
  return report;
}
