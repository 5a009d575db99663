import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { RangeSet } from "../range-set";
import { LineMark, removeWithPrecedingComments } from "../remove-with-preceding-comments";
import { isCommentOrEmptyRange } from "../rule";

/**
 * Removes repeated rules, keeping the last occurrence of each, together with the comments directly
 * above a removed rule. Comments and empty lines themselves are never deduplicated.
 */
export function deduplicate(lines: LineList, observer?: StepObserver): LineList {
  const marks = new Uint8Array(lines.length);
  const seen = new RangeSet(lines, lines.length);
  // from the end, so the occurrence seen first is the one kept
  for (let index = lines.length - 1; index >= 0; index--) {
    if (isCommentOrEmptyRange(lines.textOf(index), lines.startOf(index), lines.endOf(index))) {
      marks[index] = LineMark.CommentOrEmpty;
    } else if (!seen.add(index)) marks[index] = LineMark.Remove;
  }
  seen.release();
  return removeWithPrecedingComments(lines, marks, observer && { observer, reasonOf: () => ["duplicate"] });
}
