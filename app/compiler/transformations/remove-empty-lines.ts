import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { isBlankRange } from "../rule";

/** Drops lines that are empty or white space only. */
export function removeEmptyLines(lines: LineList, observer?: StepObserver): LineList {
  if (observer) {
    for (let index = 0; index < lines.length; index++) {
      if (!isNotBlank(lines.textOf(index), lines.startOf(index), lines.endOf(index))) observer.removed("", "empty");
    }
  }
  return lines.filterRanges(isNotBlank);
}

function isNotBlank(text: string, start: number, end: number): boolean {
  return !isBlankRange(text, start, end);
}
