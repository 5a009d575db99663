import type { LineList } from "../line-list";
import { isSpaceOrTab } from "../rule";

/** Strips leading and trailing spaces and tabs (other white space stays). */
export function trimLines(lines: LineList): LineList {
  return lines.trimRanges(isSpaceOrTab);
}
