import type { LineList } from "../line-list";
import { isCommentRange } from "../rule";

/** Drops lines starting with `!`, `# `, `####` and a lone `#` (but not cosmetic rules like `##.ad`). */
export function removeComments(lines: LineList): LineList {
  return lines.filterRanges(isNotComment);
}

function isNotComment(text: string, start: number, end: number): boolean {
  return !isCommentRange(text, start, end);
}
