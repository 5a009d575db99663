import type { LineList } from "./line-list";
import { release } from "./release";
import { isCommentOrEmpty } from "./rule";

/**
 * Removes the lines flagged in `removed`, together with the comments and empty lines directly above
 * each removed line (they usually describe it). Comments and empty lines go only that way: their own
 * flags are ignored.
 *
 * The callers flag lines in a plain loop of their own rather than passing a predicate: a closure
 * made per call (over the validation policy, over the set of rules seen) runs several times slower
 * once V8 has seen more than one of them (see `substring-matcher.ts`).
 */
export function removeWithPrecedingComments(lines: LineList, removed: Uint8Array): LineList {
  const keep = new Uint8Array(lines.length);
  let removingComments = false;
  for (let index = lines.length - 1; index >= 0; index--) {
    if (isCommentOrEmpty(lines.get(index))) {
      keep[index] = removingComments ? 0 : 1;
    } else if (removed[index]) {
      removingComments = true;
    } else {
      keep[index] = 1;
      removingComments = false;
    }
  }
  lines.keepFlagged(keep);
  release(keep, removed);
  return lines;
}
