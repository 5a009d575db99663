import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { release } from "../release";
import { isCommentRange } from "../rule";

/** Drops lines starting with `!`, `# `, `####` and a lone `#` (but not cosmetic rules like `##.ad`). */
export function removeComments(lines: LineList, observer?: StepObserver): LineList {
  const keep = new Uint8Array(lines.length);
  for (let index = 0; index < lines.length; index++) {
    if (!isCommentRange(lines.textOf(index), lines.startOf(index), lines.endOf(index))) keep[index] = 1;
    else observer?.removed(lines.get(index), "comment");
  }
  lines.keepFlagged(keep);
  release(keep);
  return lines;
}
