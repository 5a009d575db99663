/**
 * tldts' public suffix trie: the module `tldts` itself imports (its ES build is not bundled into one
 * file), typed after `tldts/dist/types/src/data/trie.d.ts`. `tldts` is pinned to 7.0.28, so this
 * path is stable. A node is `[flags, children]`: flag 1 marks an ICANN rule, 2 a private one, 0 a
 * node on the way to deeper rules.
 */
declare module "tldts/dist/es6/src/data/trie.js" {
  export type SuffixTrie = [0 | 1 | 2, { [label: string]: SuffixTrie }];
  export const exceptions: SuffixTrie;
  export const rules: SuffixTrie;
}
