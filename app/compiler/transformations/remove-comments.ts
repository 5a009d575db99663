import type { LineList } from "../line-list";
import { isComment } from "../rule";

/** Drops lines starting with `!`, `# `, `####` and a lone `#` (but not cosmetic rules like `##.ad`). */
export function removeComments(lines: LineList): LineList {
  return lines.filter(isNotComment);
}

function isNotComment(line: string): boolean {
  return !isComment(line);
}
