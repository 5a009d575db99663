import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { hashGroup, RangeSet, rangeHash } from "../range-set";
import { release } from "../release";
import { LineMark, removeWithPrecedingComments } from "../remove-with-preceding-comments";
import { isCommentOrEmptyRange } from "../rule";

/**
 * Rules per group at most, on average: a group's set (about 11 bytes a rule, 180 KB) stays in the
 * processor's cache, where one set of all the rules cost a random read of a table of megabytes
 * for nearly every rule.
 */
const GROUP_RULES = 1 << 14;

/**
 * Removes repeated rules, keeping the last occurrence of each, together with the comments directly
 * above a removed rule. Comments and empty lines themselves are never deduplicated.
 *
 * Equal rules have equal hashes, so the rules are split into groups by hash and each group is
 * checked with a set of its own. The groups hold each rule's line and hash: 8 bytes a rule, 12
 * while they are made, about what one set of all the rules took.
 */
export function deduplicate(lines: LineList, observer?: StepObserver): LineList {
  const marks = new Uint8Array(lines.length);
  // rules known to have no duplicate (see `LineList.markUniqueRules`) stay without being read
  const unique = lines.uniqueRules();
  let candidates = lines.length;
  if (unique !== null) for (let index = 0; index < lines.length; index++) candidates -= unique[index];
  // the groups are sized for every other line a rule: comments and empty lines are rare in a list
  const bits = candidates > GROUP_RULES ? 32 - Math.clz32(Math.ceil(candidates / GROUP_RULES) - 1) : 0;
  // a counting sort of the rules by group: `next[group]` is where the group's next rule goes
  const next = new Int32Array((1 << bits) + 1);
  /** Each rule's hash, by line; freed once the rules are grouped. */
  const lineHashes = new Int32Array(lines.length);
  let rules = 0;
  for (let index = 0; index < lines.length; index++) {
    if (unique !== null && unique[index] === 1) continue;
    const text = lines.textOf(index);
    const start = lines.startOf(index);
    const end = lines.endOf(index);
    if (isCommentOrEmptyRange(text, start, end)) {
      marks[index] = LineMark.CommentOrEmpty;
    } else {
      lineHashes[index] = rangeHash(text, start, end);
      next[hashGroup(lineHashes[index], bits) + 1]++;
      rules++;
    }
  }
  for (let group = 1; group < next.length; group++) next[group] += next[group - 1];
  const ids = new Int32Array(rules);
  const hashes = new Int32Array(rules);
  // from the last line up, so that in each group the occurrence added first is the one kept
  for (let index = lines.length - 1; index >= 0; index--) {
    if (marks[index] === LineMark.CommentOrEmpty || (unique !== null && unique[index] === 1)) continue;
    const hash = lineHashes[index];
    const position = next[hashGroup(hash, bits)]++;
    ids[position] = index;
    hashes[position] = hash;
  }
  release(lineHashes);
  // `next[group]` is now where the group ends
  for (let group = 0, groupStart = 0; group < next.length - 1; groupStart = next[group++]) {
    const seen = new RangeSet(lines, next[group] - groupStart);
    for (let position = groupStart; position < next[group]; position++) {
      if (!seen.add(ids[position], hashes[position])) marks[ids[position]] = LineMark.Remove;
    }
    seen.release();
  }
  release(next, ids, hashes);
  return removeWithPrecedingComments(lines, marks, observer && { observer, reasonOf: () => ["duplicate"] });
}
