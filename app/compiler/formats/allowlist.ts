import { grow, type LineList } from "../line-list";
import { nextRangeHash, RangeSet } from "../range-set";
import { release } from "../release";
import { isJsWhitespace } from "../rule";
import { HostKeys } from "./host-keys";
import type { ListBytes } from "./list-bytes";
import { hasUppercase, hostnameProblem, isPlainSubtree, type RuleHosts, readRule } from "./read-rule";
import type { ReportBuilder } from "./report";

/** Called through constants: see `substring-matcher.ts`. */
const { charCodeAt, substring } = String.prototype;

const DOT = 46;
const AT = 64;
/** Filter bits per allowlist name: about 1 lookup in 16 of a name not there passes the filter. */
const FILTER_BITS_PER_NAME = 16;
const MIN_FILTER_BITS = 1 << 12;

/**
 * The hostnames `@@` rules allow — with their subdomains (`@@||host^`) or alone (`@@|host^`, a
 * bare name) — and every parent domain of them, for the formats that cannot say "except". Every
 * entry a format writes is looked up here up to once per label, so a bit filter of the names'
 * hashes answers first: most names are in no set, and a filter bit is one read of a small array
 * where a set lookup probes a large one (it halved the pass on a list with 18k `@@` rules).
 */
export class Allowlist {
  /** The hash of the last name `covers` read: the caller's, so it need not read the name again. */
  lastHash = 0;

  /** Two filters: one for `@@||…^` names, one for the other sets (a parent like `com` is in nearly every walk). */
  private constructor(
    private readonly keys: HostKeys,
    private readonly exact: RangeSet,
    private readonly subtree: RangeSet,
    private readonly parents: RangeSet,
    private readonly subtreeFilter: HashFilter,
    private readonly otherFilter: HashFilter,
  ) {}

  /**
   * Reads the `@@` rules of the list as `add` is given them (a line `isAllowRange` accepted, in
   * `bytes` when it is ASCII), each counted: applied, or dropped with its reason; each name is kept
   * and hashed there, its parent domains found. `build` then makes the allowlist, its sets sized
   * for every name (growing them as names came was a tenth of the pass), or null when no rule was
   * applied. `withParents`: whether `isParentOfAllowed` will be asked (only a format with entries
   * that cover subdomains asks; keeping every parent domain was half of the build).
   */
  static builder(list: LineList, bytes: ListBytes, rule: RuleHosts, report: ReportBuilder, withParents: boolean) {
    const keys = new HostKeys(list);
    // per name (its key's id): its hash, 1 for `@@||…^`, and where its parents end in `parentOffsets`
    const hashes = new Int32List();
    const subtrees = new Int32List();
    let subtreeCount = 0;
    const parentEnds = new Int32List();
    // each name's parent domains, from the shortest: where it starts in the key's text, its hash
    const parentOffsets = new Int32List();
    const parentHashes = new Int32List();
    // a name read from a string (not `bytes`), as bytes for `walk`: a hostname is at most 253 of them
    const scratch = new Uint8Array(256);
    const encoder = new TextEncoder();
    /**
     * One walk from the end of the name at `from`–`to` of `source` (a byte there is the key's
     * character `shift` further on) hashes it and, at each dot, the parent domain after it.
     */
    const walk = (source: Uint8Array, from: number, to: number, shift: number, subtree: boolean) => {
      let hash = 0;
      for (let offset = to - 1; offset >= from; offset--) {
        const code = source[offset];
        if (code === DOT && withParents) {
          parentOffsets.push(offset + 1 + shift);
          parentHashes.push(hash);
        }
        hash = nextRangeHash(hash, code);
      }
      hashes.push(hash);
      subtrees.push(subtree ? 1 : 0);
      if (subtree) subtreeCount++;
      parentEnds.push(parentOffsets.length);
    };
    return {
      add(index: number): void {
        const lineStart = list.startOf(index);
        const lineEnd = list.endOf(index);
        // `@@||host^` with a plain name (most `@@` rules): what `readRule` would find, read in place
        if (bytes.load(index) && isPlainAllow(bytes.bytes, lineStart - bytes.offset, lineEnd - bytes.offset)) {
          report.droppedLine("allowlist_applied", list, index);
          keys.addRange(index, 4, lineEnd - lineStart - 1);
          walk(bytes.bytes, lineStart + 4 - bytes.offset, lineEnd - 1 - bytes.offset, bytes.offset, true);
          return;
        }
        const line = list.get(index);
        const problem = readRule(line, rule) ?? hostnameProblem(line, rule.starts[0], rule.ends[0]);
        if (problem !== null) {
          report.dropped(problem, line);
          return;
        }
        report.dropped("allowlist_applied", line);
        const start = rule.starts[0];
        const end = rule.ends[0];
        const id = hasUppercase(line, start, end)
          ? keys.addCopy(substring.call(line, start, end).toLowerCase())
          : keys.addRange(index, start, end);
        // ASCII: `hostnameProblem` let it through
        const { written } = encoder.encodeInto(
          substring.call(keys.textOf(id), keys.startOf(id), keys.endOf(id)),
          scratch,
        );
        walk(scratch, 0, written, keys.startOf(id), rule.scope === "subtree");
      },
      build(): Allowlist | null {
        const names = hashes.length;
        if (names === 0) return null;
        const parentCount = withParents ? parentOffsets.length : 0;
        const exact = new RangeSet(keys, names);
        const subtree = new RangeSet(keys, names);
        const parents = new RangeSet(keys, parentCount);
        // each filter sized for what it holds: one that holds little stays in the CPU's caches (a list
        // with no `@@|name^` rule asks an empty one about every name it writes)
        const subtreeFilter = new HashFilter(subtreeCount);
        const otherFilter = new HashFilter(names - subtreeCount + parentCount);
        for (let id = 0; id < names; id++) {
          const hash = hashes.values[id];
          const isSubtree = subtrees.values[id] === 1;
          if (!(isSubtree ? subtree : exact).add(id, hash)) continue; // allowed twice: its parents are in already
          (isSubtree ? subtreeFilter : otherFilter).add(hash);
          // from the longest parent: once one is in, so are all of its own (they went in with it)
          const firstParent = id === 0 ? 0 : parentEnds.values[id - 1];
          for (let parent = parentEnds.values[id] - 1; parent >= firstParent; parent--) {
            const parentHash = parentHashes.values[parent];
            if (!parents.add(keys.addSuffix(id, parentOffsets.values[parent]), parentHash)) {
              keys.pop();
              break;
            }
            otherFilter.add(parentHash);
          }
        }
        release(hashes.values, subtrees.values, parentEnds.values, parentOffsets.values, parentHashes.values);
        return new Allowlist(keys, exact, subtree, parents, subtreeFilter, otherFilter);
      },
    };
  }

  /** Whether `@@||…^` allows the name: it or a parent domain of it. Sets `lastHash`. */
  covers(text: string, start: number, end: number): boolean {
    let hash = 0;
    for (let offset = end - 1; offset >= start; offset--) {
      const code = charCodeAt.call(text, offset);
      // the hash so far is the parent domain's after the dot
      if (code === DOT && this.allowsSubtree(text, offset + 1, end, hash)) return true;
      hash = nextRangeHash(hash, code);
    }
    this.lastHash = hash;
    return this.allowsSubtree(text, start, end, hash);
  }

  /**
   * Whether `@@||name^` allows `text.substring(start, end)` (hash `hash`) with its subdomains: one
   * step of `covers`, for a caller that walks the name itself.
   */
  allowsSubtree(text: string, start: number, end: number, hash: number): boolean {
    return this.subtreeFilter.mayHave(hash) && this.subtree.has(text, start, end, hash);
  }

  /** Whether `@@|name^` allows the name itself (`hash`: its `rangeHash`). */
  allowsExactly(text: string, start: number, end: number, hash: number): boolean {
    return this.otherFilter.mayHave(hash) && this.exact.has(text, start, end, hash);
  }

  /**
   * Whether an allowed name is below this one: an entry covering its subdomains would block it.
   * Only for an allowlist built `withParents`.
   */
  isParentOfAllowed(text: string, start: number, end: number, hash: number): boolean {
    return this.otherFilter.mayHave(hash) && this.parents.has(text, start, end, hash);
  }

  release(): void {
    this.exact.release();
    this.subtree.release();
    this.parents.release();
    this.keys.release();
    this.subtreeFilter.release();
    this.otherFilter.release();
  }
}

/** Numbers pushed one by one (hashes, offsets): in a JS array, a hash past 2^30 would be a boxed number each. */
class Int32List {
  values: Int32Array = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) this.values = grow(this.values, this.length * 2);
    this.values[this.length++] = value;
  }
}

/** One bit per hash (multiplied, top bits): "maybe in the set" or "surely not". */
export class HashFilter {
  private readonly bits: Uint32Array;
  private readonly shift: number;

  /** @param names how many names it will hold (for its size) */
  constructor(readonly names: number) {
    let size = MIN_FILTER_BITS;
    while (size < names * FILTER_BITS_PER_NAME) size *= 2;
    this.bits = new Uint32Array(size / 32);
    this.shift = 32 - Math.log2(size);
  }

  add(hash: number): void {
    const bit = Math.imul(hash, 0x9e3779b1) >>> this.shift;
    this.bits[bit >>> 5] |= 1 << (bit & 31);
  }

  mayHave(hash: number): boolean {
    const bit = Math.imul(hash, 0x9e3779b1) >>> this.shift;
    return (this.bits[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  release(): void {
    release(this.bits);
  }
}

/** `@@||host^` with a plain name (`isPlainSubtree`), nothing before it. */
function isPlainAllow(bytes: Uint8Array, start: number, end: number): boolean {
  return bytes[start] === AT && bytes[start + 1] === AT && isPlainSubtree(bytes, start + 2, end);
}

/** `@@` after any leading white space (`readRule` trims), read without making the line a string. */
export function isAllowRange(text: string, start: number, end: number): boolean {
  let offset = start;
  while (offset < end && isJsWhitespace(charCodeAt.call(text, offset))) offset++;
  return end - offset >= 2 && charCodeAt.call(text, offset) === AT && charCodeAt.call(text, offset + 1) === AT;
}
