/** Appends an empty line unless the last line is already blank, so the joined text ends with a newline. */
export function insertFinalNewLine(lines: readonly string[]): string[] {
  if (lines.length > 0 && lines[lines.length - 1].trim() === "") return [...lines];
  return [...lines, ""];
}
