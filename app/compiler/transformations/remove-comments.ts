import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { isCommentRange } from "../rule";

/** Drops lines starting with `!`, `# `, `####` and a lone `#` (but not cosmetic rules like `##.ad`). */
export function removeComments(lines: LineList, observer?: StepObserver): LineList {
  if (observer) {
    for (let index = 0; index < lines.length; index++) {
      if (!isNotComment(lines.textOf(index), lines.startOf(index), lines.endOf(index))) {
        observer.removed(lines.get(index), "comment");
      }
    }
  }
  return lines.filterRanges(isNotComment);
}

function isNotComment(text: string, start: number, end: number): boolean {
  return !isCommentRange(text, start, end);
}
