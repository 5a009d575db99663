import type { LineList } from "../line-list";
import { trimSpacesAndTabs } from "../rule";

/** Strips leading and trailing spaces and tabs (other white space stays). */
export function trimLines(lines: LineList): LineList {
  return lines.map(trimSpacesAndTabs);
}
