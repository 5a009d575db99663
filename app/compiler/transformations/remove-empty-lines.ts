import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { release } from "../release";
import { isBlankRange } from "../rule";

/**
 * Drops lines that are empty or white space only. A loop of its own, as RemoveComments has: a
 * filter shared by both steps called their two predicates through a call V8 does not inline.
 */
export function removeEmptyLines(lines: LineList, observer?: StepObserver): LineList {
  const keep = new Uint8Array(lines.length);
  for (let index = 0; index < lines.length; index++) {
    if (!isBlankRange(lines.textOf(index), lines.startOf(index), lines.endOf(index))) keep[index] = 1;
    else observer?.removed("", "empty");
  }
  lines.keepFlagged(keep);
  release(keep);
  return lines;
}
