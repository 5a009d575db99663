import type { LineList } from "./line-list";
import { release } from "./release";

/** What a caller of `removeWithPrecedingComments` decided for a line. */
export enum LineMark {
  Keep = 0,
  Remove = 1,
  /** A comment or an empty line (`isCommentOrEmpty`): it goes only with the rule below it. */
  CommentOrEmpty = 2,
}

/**
 * Removes the lines marked `Remove`, together with the comments and empty lines directly above
 * each of them (they usually describe it). The callers mark comments and empty lines in the pass
 * where they look at each line anyway, so no line is read twice.
 *
 * The callers mark lines in a plain loop of their own rather than passing a predicate: a closure
 * made per call (over the validation policy, over the set of rules seen) runs several times slower
 * once V8 has seen more than one of them (see `substring-matcher.ts`).
 */
export function removeWithPrecedingComments(lines: LineList, marks: Uint8Array): LineList {
  // from the end, turning each mark into a keep flag in place
  let removingComments = false;
  for (let index = lines.length - 1; index >= 0; index--) {
    const mark = marks[index] as LineMark;
    if (mark === LineMark.CommentOrEmpty) {
      marks[index] = removingComments ? 0 : 1;
    } else if (mark === LineMark.Remove) {
      marks[index] = 0;
      removingComments = true;
    } else {
      marks[index] = 1;
      removingComments = false;
    }
  }
  lines.keepFlagged(marks);
  release(marks);
  return lines;
}
