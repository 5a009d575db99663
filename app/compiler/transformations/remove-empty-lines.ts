/** Drops lines that are empty or white space only. */
export function removeEmptyLines(lines: readonly string[]): string[] {
  return lines.filter((line) => line.trim().length > 0);
}
