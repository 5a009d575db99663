import { removeWithPrecedingComments } from "../remove-with-preceding-comments";
import { isCommentOrEmpty } from "../rule";

/**
 * Removes repeated rules, keeping the last occurrence of each, together with the comments directly
 * above a removed rule. Comments and empty lines themselves are never deduplicated.
 */
export function deduplicate(lines: readonly string[]): string[] {
  const removed = new Uint8Array(lines.length);
  const seen = new Set<string>();
  // from the end, so the occurrence seen first is the one kept
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index];
    if (isCommentOrEmpty(line)) continue;
    const size = seen.size;
    seen.add(line); // one hash lookup instead of `has` then `add`
    if (seen.size === size) removed[index] = 1;
  }
  return removeWithPrecedingComments(lines, removed);
}
