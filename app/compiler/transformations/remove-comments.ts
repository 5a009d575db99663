import { isComment } from "../rule";

/** Drops lines starting with `!`, `# `, `####` and a lone `#` (but not cosmetic rules like `##.ad`). */
export function removeComments(lines: readonly string[]): string[] {
  return lines.filter((line) => !isComment(line));
}
