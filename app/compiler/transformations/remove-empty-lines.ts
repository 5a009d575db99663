import type { LineList } from "../line-list";
import { isBlankRange } from "../rule";

/** Drops lines that are empty or white space only. */
export function removeEmptyLines(lines: LineList): LineList {
  return lines.filterRanges(isNotBlank);
}

function isNotBlank(text: string, start: number, end: number): boolean {
  return !isBlankRange(text, start, end);
}
