import type { LineList } from "../line-list";
import { markEarlierRepeats } from "../range-set";
import { LineMark, removeWithPrecedingComments } from "../remove-with-preceding-comments";
import { isCommentOrEmptyRange } from "../rule";

/**
 * Removes repeated rules, keeping the last occurrence of each, together with the comments directly
 * above a removed rule. Comments and empty lines themselves are never deduplicated.
 */
export function deduplicate(lines: LineList): LineList {
  const marks = new Uint8Array(lines.length);
  for (let index = 0; index < lines.length; index++) {
    if (isCommentOrEmptyRange(lines.textOf(index), lines.startOf(index), lines.endOf(index))) {
      marks[index] = LineMark.CommentOrEmpty;
    }
  }
  markEarlierRepeats(lines, marks, LineMark.Remove);
  return removeWithPrecedingComments(lines, marks);
}
