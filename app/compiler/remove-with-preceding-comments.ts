import { isCommentOrEmpty } from "./rule";

/**
 * Removes the lines `shouldRemove` picks, together with the comments and empty lines directly
 * above each removed line (they usually describe it). Lines are visited from the last to the first,
 * so `shouldRemove` sees them in that order; comments and empty lines are never passed to it.
 */
export function removeWithPrecedingComments(
  lines: readonly string[],
  shouldRemove: (line: string) => boolean,
): string[] {
  const keep = new Uint8Array(lines.length);
  let removingComments = false;
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index];
    if (isCommentOrEmpty(line)) {
      keep[index] = removingComments ? 0 : 1;
    } else if (shouldRemove(line)) {
      removingComments = true;
    } else {
      keep[index] = 1;
      removingComments = false;
    }
  }
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (keep[index]) kept.push(lines[index]);
  }
  return kept;
}
