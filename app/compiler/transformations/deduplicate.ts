import type { LineList } from "../line-list";
import { RangeSet, rangeHash } from "../range-set";
import { LineMark, removeWithPrecedingComments } from "../remove-with-preceding-comments";
import { isCommentOrEmptyRange } from "../rule";

/** How many lines ahead of the one being added a line's slot of the set is read (`RangeSet.prefetch`). */
const PREFETCH_DISTANCE = 16;

/**
 * Removes repeated rules, keeping the last occurrence of each, together with the comments directly
 * above a removed rule. Comments and empty lines themselves are never deduplicated.
 */
export function deduplicate(lines: LineList): LineList {
  const marks = new Uint8Array(lines.length);
  const seen = new RangeSet(lines, lines.length);
  /** The hashes of the lines read ahead, by index modulo `PREFETCH_DISTANCE`. */
  const hashes = new Int32Array(PREFETCH_DISTANCE);
  // from the end, so the occurrence seen first is the one kept; each line is read and hashed
  // `PREFETCH_DISTANCE` lines before it is added (see `RangeSet.prefetch`)
  for (let index = lines.length - 1 + PREFETCH_DISTANCE; index >= 0; index--) {
    // the line read `PREFETCH_DISTANCE` iterations ago, before its slot in `hashes` is reused
    if (index < lines.length && marks[index] !== LineMark.CommentOrEmpty) {
      if (!seen.add(index, hashes[index % PREFETCH_DISTANCE])) marks[index] = LineMark.Remove;
    }
    const ahead = index - PREFETCH_DISTANCE;
    if (ahead < 0) continue;
    const text = lines.textOf(ahead);
    const start = lines.startOf(ahead);
    const end = lines.endOf(ahead);
    if (isCommentOrEmptyRange(text, start, end)) {
      marks[ahead] = LineMark.CommentOrEmpty;
    } else {
      const hash = rangeHash(text, start, end);
      hashes[ahead % PREFETCH_DISTANCE] = hash;
      seen.prefetch(hash);
    }
  }
  seen.release();
  return removeWithPrecedingComments(lines, marks);
}
