/**
 * Whether a hostname is itself a public suffix, answered the way `tldts` 7.0.28 answers
 * `getPublicSuffix(hostname) === hostname` (which is what the reference asks, once per rule), but
 * for a plain hostname only and about five times faster (0.18 against 0.87 µs a call on the
 * benchmark's hostnames): no URL parsing or validation, no `split`, no result objects, and the walk
 * down the suffix trie stops at the first label no rule knows (for `ads.example.co.uk`, `example`).
 *
 * It reads tldts' own trie — the module `tldts` itself imports in the Worker build, so the data is
 * bundled once and is always the list tldts uses — and walks it the way tldts' `lookupInTrie` does.
 * `tests/unit/compiler/public-suffix.test.ts` compares the answers with tldts' on every rule of the
 * list, on names one and two labels below each, and on random names.
 */
import { exceptions, rules, type SuffixTrie } from "tldts/dist/es6/src/data/trie.js";

/** A trie node's flag for an ICANN rule; tldts' default options ignore private rules. */
const ICANN = 1;
const MAX_HOSTNAME_LENGTH = 255;
const MAX_LABEL_LENGTH = 63;
/** A name of at most 255 characters has at most 128 labels (`a.a.…`): room for all of them. */
const MAX_LABELS = 128;
/** Label hashes are kept to 30 bits: small integers, and -1 marks a free slot of a node's table. */
const LABEL_HASH_MASK = 0x3fffffff;
const FREE_SLOT = -1;

/**
 * One forward scan over a run of hostname characters (`a-z`, `0-9`, `.`, `-`) that learns all that
 * `isPlainHostname` and `isPublicSuffix` need: where the run ends, whether it is a plain hostname,
 * and where each label starts with its hash, by which the suffix trie's nodes key their children.
 * Validate classifies most lines with one such scan; the checks used to read a name up to five
 * times (the plain-hostname check, the fast-path suffixes, a search for a dot, then each label
 * backwards to find it, to hash it and to compare it).
 */
export class HostnameScan {
  /** Where the run of hostname characters stopped: the end of the name when it is plain. */
  end = 0;
  /** Whether the run is a plain hostname (see `isPlainHostname`). */
  plain = false;
  private labelCount = 0;
  private readonly labelStarts = new Int32Array(MAX_LABELS);
  private readonly labelHashes = new Int32Array(MAX_LABELS);

  /** Scans `text` from `start` up to at most `limit`; returns where the hostname characters stop. */
  scan(text: string, start: number, limit: number): number {
    let labels = 0;
    let labelStart = start;
    let hash = 0;
    let plain = true;
    let hasNonDigit = false;
    let index = start;
    for (; index < limit; index++) {
      const code = text.charCodeAt(index);
      if (code === 46 /* . */) {
        plain = this.addLabel(labels++, text, labelStart, index, hash) && plain;
        labelStart = index + 1;
        hash = 0;
        continue;
      }
      if ((code >= 97 && code <= 122) || code === 45 /* - */) hasNonDigit = true;
      else if (code < 48 || code > 57) break;
      hash = (Math.imul(hash, 31) + code) | 0;
    }
    plain = this.addLabel(labels++, text, labelStart, index, hash) && plain;
    this.end = index;
    this.labelCount = labels;
    this.plain = plain && hasNonDigit && index - start <= MAX_HOSTNAME_LENGTH;
    return index;
  }

  /** Records label number `label`; false when it is no label of a plain hostname. */
  private addLabel(label: number, text: string, start: number, end: number, hash: number): boolean {
    // more labels than a plain hostname can have: the name is too long, nothing to record
    if (label >= MAX_LABELS) return false;
    this.labelStarts[label] = start;
    this.labelHashes[label] = hash & LABEL_HASH_MASK;
    return isLabel(text, start, end);
  }

  /**
   * `getPublicSuffix(hostname) === hostname` in tldts 7.0.28 with its default options, for the
   * scanned name, which must be plain.
   */
  isPublicSuffix(text: string): boolean {
    // A single label is its own suffix: a known TLD, or an unknown one under the implicit `*` rule.
    if (this.labelCount === 1) return true;
    // tldts answers these suffixes before looking at its trie: the suffix is then shorter than the name
    if (isFastPathSuffix(text, this.labelStarts[this.labelCount - 1], this.end)) return false;
    // The longest matching rule covers all the labels only if the trie has an ICANN rule for the
    // whole name; an exception rule (`!www.ck`) always leaves a shorter suffix.
    return this.wholeNameIsRule(text) && !this.matchesAnException(text);
  }

  /** Where label `label` ends: before the dot that starts the next one, or at the end of the name. */
  private labelEnd(label: number): number {
    return label + 1 < this.labelCount ? this.labelStarts[label + 1] - 1 : this.end;
  }

  /** Walks the labels from the last one; the node reached after the first label must be an ICANN rule. */
  private wholeNameIsRule(text: string): boolean {
    let node: Node | undefined = rulesRoot;
    for (let label = this.labelCount - 1; ; label--) {
      node = child(node, this.labelHashes[label], text, this.labelStarts[label], this.labelEnd(label));
      if (node === undefined) return false;
      if (label === 0) return (node.flags & ICANN) !== 0;
    }
  }

  /** Whether any node on the hostname's path through the exception rules is an ICANN rule. */
  private matchesAnException(text: string): boolean {
    let node: Node | undefined = exceptionsRoot;
    for (let label = this.labelCount - 1; ; label--) {
      node = child(node, this.labelHashes[label], text, this.labelStarts[label], this.labelEnd(label));
      if (node === undefined) return false;
      if ((node.flags & ICANN) !== 0) return true;
      if (label === 0) return false;
    }
  }
}

/** The scan behind the functions below, which answer for one name at a time. */
const scan = new HostnameScan();

/**
 * Whether `text` (or `text.substring(start, end)`, without cutting it) is a hostname tldts takes as
 * it is and this module can answer for: labels of `a-z`, `0-9` and inner `-` (not at either end)
 * separated by single dots, at most 63 characters a label and 255 in all, and not digits and dots
 * only (so never an IP address). Anything else (upper case, `_`, non-ASCII, a trailing dot…) tldts
 * may rewrite or refuse; such names must go through tldts itself.
 */
export function isPlainHostname(text: string, start = 0, end = text.length): boolean {
  return scan.scan(text, start, end) === end && scan.plain;
}

/** A label of a plain hostname (its characters are checked by the scan): 1–63 long, no `-` at either end. */
function isLabel(text: string, start: number, end: number): boolean {
  const length = end - start;
  return (
    length > 0 &&
    length <= MAX_LABEL_LENGTH &&
    text.charCodeAt(start) !== 45 /* - */ &&
    text.charCodeAt(end - 1) !== 45 /* - */
  );
}

/**
 * `getPublicSuffix(hostname) === hostname` in tldts 7.0.28 with its default options, for a hostname
 * that `isPlainHostname` accepts (for anything else the answer is undefined). The hostname may be
 * `text.substring(start, end)`: read in place.
 */
export function isPublicSuffix(text: string, start = 0, end = text.length): boolean {
  scan.scan(text, start, end);
  return scan.isPublicSuffix(text);
}

/**
 * tldts' `fastPathLookup` for a name of two labels or more whose last label is `text.substring(start,
 * end)`: `com`, `org`, `edu`, `gov`, `net` and `de`.
 */
function isFastPathSuffix(text: string, start: number, end: number): boolean {
  const length = end - start;
  const c0 = text.charCodeAt(start);
  const c1 = text.charCodeAt(start + 1);
  if (length === 2) return c0 === 100 /* d */ && c1 === 101 /* e */;
  if (length !== 3) return false;
  const c2 = text.charCodeAt(start + 2);
  return (
    (c0 === 99 && c1 === 111 && c2 === 109) /* com */ ||
    (c0 === 111 && c1 === 114 && c2 === 103) /* org */ ||
    (c0 === 101 && c1 === 100 && c2 === 117) /* edu */ ||
    (c0 === 103 && c1 === 111 && c2 === 118) /* gov */ ||
    (c0 === 110 && c1 === 101 && c2 === 116) /* net */
  );
}

/**
 * A trie node with its children in an open-addressed table keyed by the hash of their label (the
 * scan's `labelHashes`): the label being looked up is then read in place and compared only on a
 * hit. A `Map` keyed by the hash did the same at several times the cost per lookup. Nodes are
 * converted when first visited, so a compilation pays only for the part of the list it walks.
 */
interface Node {
  flags: number;
  /** `null` until first visited; a power of two long, `FREE_SLOT` where no child is. */
  hashes: Int32Array | null;
  /** The first child with the hash in the same slot of `hashes`. */
  edges: Edge[];
  /** The `*` child, where a label without a child of its own leads; set with `hashes`. */
  wildcard: Node | undefined;
  source: SuffixTrie;
}

/** A child of a node; `next`: another child whose label has the same hash. */
interface Edge {
  label: string;
  node: Node;
  next: Edge | undefined;
}

/** One node per trie node: the trie shares subtrees, and so do we. */
const converted = new Map<SuffixTrie, Node>();

function nodeOf(source: SuffixTrie): Node {
  let node = converted.get(source);
  if (node === undefined) {
    node = { flags: source[0], hashes: null, edges: [], wildcard: undefined, source };
    converted.set(source, node);
  }
  return node;
}

const rulesRoot = nodeOf(rules);
const exceptionsRoot = nodeOf(exceptions);

/** The hash the scan computes for a label, for the labels of the trie. */
function labelHash(label: string): number {
  let hash = 0;
  for (let index = 0; index < label.length; index++) hash = (Math.imul(hash, 31) + label.charCodeAt(index)) | 0;
  return hash & LABEL_HASH_MASK;
}

/** Fills a node's table of children; at most half full, so a lookup ends after a probe or two. */
function convertChildren(node: Node): Int32Array {
  const labels = Object.entries(node.source[1]);
  let size = 4;
  while (size < labels.length * 2) size *= 2;
  const hashes = new Int32Array(size).fill(FREE_SLOT);
  for (const [label, source] of labels) {
    const hash = labelHash(label);
    let slot = hash & (size - 1);
    while (hashes[slot] !== FREE_SLOT && hashes[slot] !== hash) slot = (slot + 1) & (size - 1);
    hashes[slot] = hash;
    node.edges[slot] = { label, node: nodeOf(source), next: node.edges[slot] };
  }
  node.hashes = hashes;
  node.wildcard = node.source[1]["*"] === undefined ? undefined : nodeOf(node.source[1]["*"]);
  return hashes;
}

/**
 * tldts' step from a node to the child for the label `text.substring(start, end)` of hash `hash`,
 * or to its `*` child when there is none (`*` itself is never a label here: plain hostnames have
 * no `*`).
 */
function child(node: Node, hash: number, text: string, start: number, end: number): Node | undefined {
  const hashes = node.hashes ?? convertChildren(node);
  const mask = hashes.length - 1;
  for (let slot = hash & mask; hashes[slot] !== FREE_SLOT; slot = (slot + 1) & mask) {
    if (hashes[slot] !== hash) continue;
    for (let edge: Edge | undefined = node.edges[slot]; edge !== undefined; edge = edge.next) {
      if (labelEquals(edge.label, text, start, end)) return edge.node;
    }
    break;
  }
  return node.wildcard;
}

/** Whether `label` is `text.substring(start, end)`. */
function labelEquals(label: string, text: string, start: number, end: number): boolean {
  if (label.length !== end - start) return false;
  for (let offset = 0; offset < label.length; offset++) {
    if (label.charCodeAt(offset) !== text.charCodeAt(start + offset)) return false;
  }
  return true;
}
