/**
 * How the compiler ships to Node: the esbuild options of the `bloqr` CLI's bundles (each sets its
 * `format`), shared with `bench:compile`, which times the compiler built the same way (a bundle
 * runs it differently from modules loaded one by one: decision 0026).
 */
/** @type {import("esbuild").BuildOptions} */
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  // tldts' ES module build shares the public-suffix trie that app/compiler/public-suffix.ts reads;
  // its CommonJS build would bring a second copy.
  mainFields: ["module", "main"],
  // `node dist/bloqr.mjs` runs on the machine's own Node; the project supports 20 and later.
  target: "node20",
  minify: true,
  // the default, relied on: scripts/lib/code-cache.ts reads the bundle as Latin-1, one byte a character
  charset: "ascii",
  legalComments: "none",
  logLevel: "warning",
};
