import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { RangeSet, rangeHash } from "../range-set";
import { release } from "../release";
import { LineMark, removeWithPrecedingComments } from "../remove-with-preceding-comments";
import { isCommentOrEmptyRange } from "../rule";

/**
 * Removes repeated rules, keeping the last occurrence of each, together with the comments directly
 * above a removed rule. Comments and empty lines themselves are never deduplicated.
 */
export function deduplicate(lines: LineList, observer?: StepObserver): LineList {
  const marks = new Uint8Array(lines.length);
  // the rules from the last line up, so the occurrence added first is the one kept
  const ids = new Int32Array(lines.length);
  const hashes = new Int32Array(lines.length);
  let count = 0;
  for (let index = lines.length - 1; index >= 0; index--) {
    const text = lines.textOf(index);
    const start = lines.startOf(index);
    const end = lines.endOf(index);
    if (isCommentOrEmptyRange(text, start, end)) {
      marks[index] = LineMark.CommentOrEmpty;
    } else {
      ids[count] = index;
      hashes[count++] = rangeHash(text, start, end);
    }
  }
  const seen = new RangeSet(lines, count);
  seen.addAll(ids, hashes, count);
  seen.release();
  for (let rule = 0; rule < count; rule++) {
    if (ids[rule] < 0) marks[~ids[rule]] = LineMark.Remove;
  }
  release(ids, hashes);
  return removeWithPrecedingComments(lines, marks, observer && { observer, reasonOf: () => ["duplicate"] });
}
