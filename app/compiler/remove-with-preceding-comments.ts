import type { RemovalCode, StepObserver } from "./explain";
import type { LineList } from "./line-list";
import { release } from "./release";
import { isCommentOrEmptyRange } from "./rule";

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
export function removeWithPrecedingComments(lines: LineList, marks: Uint8Array, explain?: RemovalExplainer): LineList {
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
  if (explain) reportRemoved(lines, marks, explain);
  lines.keepFlagged(marks);
  release(marks);
  return lines;
}

/** For an explained compile: why the caller removes a rule line (`index` in the list before removal). */
export interface RemovalExplainer {
  observer: StepObserver;
  reasonOf(line: string, index: number): [RemovalCode, string?];
}

/** Tells the observer about each line `keep` drops: a comment goes with the rule below it. */
function reportRemoved(lines: LineList, keep: Uint8Array, { observer, reasonOf }: RemovalExplainer): void {
  for (let index = 0; index < lines.length; index++) {
    if (keep[index]) continue;
    const line = lines.get(index);
    if (isCommentOrEmptyRange(lines.textOf(index), lines.startOf(index), lines.endOf(index))) {
      observer.removed(line, "comment_of_removed_rule");
    } else {
      const [reason, detail] = reasonOf(line, index);
      observer.removed(line, reason, detail);
    }
  }
}
