import { removeWithPrecedingComments } from "../remove-with-preceding-comments";

/**
 * Removes repeated rules, keeping the last occurrence of each, together with the comments directly
 * above a removed rule. Comments and empty lines themselves are never deduplicated.
 */
export function deduplicate(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  return removeWithPrecedingComments(lines, (line) => {
    const sizeBefore = seen.size;
    seen.add(line);
    return seen.size === sizeBefore;
  });
}
