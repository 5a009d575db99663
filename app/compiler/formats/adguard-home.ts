import type { LineList } from "../line-list";
import { SUPPORTED_MODIFIERS } from "../modifiers";
import { isComment, parseAdblockRule } from "../rule";
import { bytesOutput, convertedHeader, type FormatContext, type FormatOutput } from "./context";
import { ListBytes } from "./list-bytes";
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
  const bytes = new ListBytes(list);
  for (const line of convertedHeader(context, "adguard-home", "!")) output.push(line);
  for (let index = 0; index < list.length; index++) {
    if (bytes.load(index)) {
      const start = list.startOf(index) - bytes.offset;
      if (copyKeptRule(output, bytes.bytes, start, start + list.endOf(index) - list.startOf(index))) {
        report.written();
        continue;
      }
    }
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
  bytes.release();
  return bytesOutput("adguard-home", output.blocks(), report.report);
}

const NOTHING = new Uint8Array(0);
const EXCLAMATION = 33;
const HASH = 35;
const DOLLAR = 36;

/**
 * Copies the line at `start`–`end` of `source` (ASCII) into the output when it is a rule AdGuard
 * Home keeps as it is without a closer look — most lines: neither blank nor a comment, and no `#`
 * (every cosmetic marker has one) nor `$` (modifiers, HTML filtering) — and says whether it did;
 * for any other line nothing is written. One loop over its bytes, where the checks on the line as a
 * string made and walked a string per line.
 */
function copyKeptRule(output: TextBuilder, source: Uint8Array, start: number, end: number): boolean {
  if (end === start || source[start] === EXCLAMATION || source[start] === HASH) return false;
  const lineStart = output.beginEntry(NOTHING, end - start + 1);
  const { block } = output;
  let visible = false;
  for (let index = start; index < end; index++) {
    const code = source[index];
    if (code === HASH || code === DOLLAR) return false;
    // anything but ASCII white space (what `isBlank` skips)
    if (code > 32 || code < 9 || (code > 13 && code < 32)) visible = true;
    block[lineStart + index - start] = code;
  }
  if (!visible) return false;
  output.endEntry(lineStart + end - start, NOTHING);
  return true;
}

function hasUnsupportedModifier(line: string): boolean {
  const options = parseAdblockRule(line)?.options ?? [];
  return options.some((option) => !SUPPORTED_MODIFIERS.has(option.name));
}
