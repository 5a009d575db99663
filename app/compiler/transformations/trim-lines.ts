import { trimSpacesAndTabs } from "../rule";

/** Strips leading and trailing spaces and tabs (other white space stays). */
export function trimLines(lines: readonly string[]): string[] {
  return lines.map(trimSpacesAndTabs);
}
