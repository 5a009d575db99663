/**
 * How the compiler ships to Node: the esbuild options of the `bloqr` CLI's bundle, shared with
 * `bench:compile`, which times the compiler built the same way (a bundle runs it differently from
 * modules loaded one by one: docs/decisions/0026-engine-string-reads-and-grouped-deduplicate.md).
 */
/** @type {import("esbuild").BuildOptions} */
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  // tldts' ES module build shares the public-suffix trie that app/compiler/public-suffix.ts reads;
  // its CommonJS build would bring a second copy.
  mainFields: ["module", "main"],
  // `node dist/bloqr.mjs` runs on the machine's own Node; the project supports 20 and later.
  target: "node20",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};
