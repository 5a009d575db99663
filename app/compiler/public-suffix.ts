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

/**
 * Whether `text` (or `text.substring(start, end)`, without cutting it) is a hostname tldts takes as
 * it is and this module can answer for: labels of `a-z`, `0-9` and inner `-` (not at either end)
 * separated by single dots, at most 63 characters a label and 255 in all, and not digits and dots
 * only (so never an IP address). Anything else (upper case, `_`, non-ASCII, a trailing dot…) tldts
 * may rewrite or refuse; such names must go through tldts itself.
 */
export function isPlainHostname(text: string, start = 0, end = text.length): boolean {
  if (end <= start || end - start > MAX_HOSTNAME_LENGTH) return false;
  let labelStart = start;
  let hasNonDigit = false;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code >= 97 && code <= 122) {
      hasNonDigit = true;
    } else if (code === 46 /* . */) {
      if (!isLabel(text, labelStart, index)) return false;
      labelStart = index + 1;
    } else if (code === 45 /* - */) {
      hasNonDigit = true;
    } else if (code < 48 || code > 57) {
      return false;
    }
  }
  return hasNonDigit && isLabel(text, labelStart, end);
}

/** A label of `isPlainHostname` (its characters are checked there): 1–63 long, no `-` at either end. */
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
 * `text.substring(start, end)`: read in place, so the common case allocates nothing but labels.
 */
export function isPublicSuffix(text: string, start = 0, end = text.length): boolean {
  // tldts answers these suffixes before looking at its trie: the suffix is then shorter than the name
  if (hasFastPathSuffix(text, start, end)) return false;
  // A single label is its own suffix: a known TLD, or an unknown one under the implicit `*` rule.
  if (!hasDot(text, start, end)) return true;
  // The longest matching rule covers all the labels only if the trie has an ICANN rule for the
  // whole name; an exception rule (`!www.ck`) always leaves a shorter suffix.
  return wholeNameIsRule(text, start, end) && !matchesAnException(text, start, end);
}

/**
 * Whether `text.substring(start, end)` has a dot. A loop rather than `lastIndexOf`, which would
 * search on before `start`, through the rest of a source's text when the name is read in place.
 */
function hasDot(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    if (text.charCodeAt(index) === 46 /* . */) return true;
  }
  return false;
}

/** tldts' `fastPathLookup`: `.com`, `.org`, `.edu`, `.gov`, `.net` and `.de`. */
function hasFastPathSuffix(text: string, start: number, end: number): boolean {
  if (end - start <= 3) return false;
  const c3 = text.charCodeAt(end - 1);
  const c2 = text.charCodeAt(end - 2);
  const c1 = text.charCodeAt(end - 3);
  const c0 = text.charCodeAt(end - 4);
  if (c1 === 46 /* . */) return c2 === 100 /* d */ && c3 === 101 /* e */;
  if (c0 !== 46) return false;
  return (
    (c1 === 99 && c2 === 111 && c3 === 109) /* com */ ||
    (c1 === 111 && c2 === 114 && c3 === 103) /* org */ ||
    (c1 === 101 && c2 === 100 && c3 === 117) /* edu */ ||
    (c1 === 103 && c2 === 111 && c3 === 118) /* gov */ ||
    (c1 === 110 && c2 === 101 && c3 === 116) /* net */
  );
}

/**
 * A trie node with its children in a `Map` keyed by the hash of their label (`labelHash`): the
 * label being looked up is then read in place, where cutting it out of the name as a string and
 * looking that up (among an object's keys, or a `Map`'s string keys) cost more than the rest of
 * the check. Nodes are converted when first visited, so a compilation pays only for the part of
 * the list it walks.
 */
interface Node {
  flags: number;
  /** `null` until first visited. */
  children: Map<number, Edge> | null;
  /** The `*` child, where a label without a child of its own leads; set with `children`. */
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
    node = { flags: source[0], children: null, wildcard: undefined, source };
    converted.set(source, node);
  }
  return node;
}

const rulesRoot = nodeOf(rules);
const exceptionsRoot = nodeOf(exceptions);

/** The hash a node's children are keyed by: a small integer, which V8 keeps unboxed as a `Map` key. */
function labelHash(text: string, start: number, end: number): number {
  let hash = 0;
  for (let index = start; index < end; index++) hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  return hash & 0x3fffffff;
}

/**
 * tldts' step from a node to the child for the label `text.substring(start, end)`, or to its `*`
 * child when there is none (`*` itself is never a label here: plain hostnames have no `*`).
 */
function child(node: Node, text: string, start: number, end: number): Node | undefined {
  let children = node.children;
  if (children === null) {
    children = new Map();
    for (const [label, source] of Object.entries(node.source[1])) {
      const hash = labelHash(label, 0, label.length);
      children.set(hash, { label, node: nodeOf(source), next: children.get(hash) });
    }
    node.children = children;
    node.wildcard = child(node, "*", 0, 1);
  }
  for (let edge = children.get(labelHash(text, start, end)); edge !== undefined; edge = edge.next) {
    if (labelEquals(edge.label, text, start, end)) return edge.node;
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

/** Where the label ending at `labelEnd` starts: after the dot before it, or at `start`. */
function labelStart(text: string, start: number, labelEnd: number): number {
  let index = labelEnd;
  while (index > start && text.charCodeAt(index - 1) !== 46 /* . */) index--;
  return index;
}

/** Walks the labels from the last one; the node reached after the first label must be an ICANN rule. */
function wholeNameIsRule(text: string, start: number, end: number): boolean {
  let node: Node | undefined = rulesRoot;
  let labelEnd = end;
  for (;;) {
    const label = labelStart(text, start, labelEnd);
    node = child(node, text, label, labelEnd);
    if (node === undefined) return false;
    if (label === start) return (node.flags & ICANN) !== 0;
    labelEnd = label - 1;
  }
}

/** Whether any node on the hostname's path through the exception rules is an ICANN rule. */
function matchesAnException(text: string, start: number, end: number): boolean {
  let node: Node | undefined = exceptionsRoot;
  let labelEnd = end;
  for (;;) {
    const label = labelStart(text, start, labelEnd);
    node = child(node, text, label, labelEnd);
    if (node === undefined) return false;
    if ((node.flags & ICANN) !== 0) return true;
    if (label === start) return false;
    labelEnd = label - 1;
  }
}
