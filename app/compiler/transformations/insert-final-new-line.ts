import type { LineList } from "../line-list";

/** Appends an empty line unless the last line is already blank, so the joined text ends with a newline. */
export function insertFinalNewLine(lines: LineList): LineList {
  if (lines.length > 0 && lines.get(lines.length - 1).trim() === "") return lines;
  lines.push("");
  lines.flush();
  return lines;
}
