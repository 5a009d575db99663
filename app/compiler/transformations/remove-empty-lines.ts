import type { LineList } from "../line-list";

/** Drops lines that are empty or white space only. */
export function removeEmptyLines(lines: LineList): LineList {
  return lines.filter(isNotBlank);
}

function isNotBlank(line: string): boolean {
  return line.trim().length > 0;
}
