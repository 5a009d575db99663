/**
 * Builds the `bloqr` CLI (scripts/compile.ts with the compiler it imports) into plain JavaScript
 * in dist/, so that a run starts in Node alone with nothing transpiled (tsx took ~0.6 s before a
 * byte was read). Runs on `npm install` (the `prepare` script) and before `npm run compile`; dist/
 * is not committed (docs/decisions/0013-newcomer-path.md).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { NODE_BUNDLE_OPTIONS } from "./lib/node-bundle.mjs";

/** What package.json's `bin` points at: it turns on Node's compile cache, then loads the CLI. */
const BIN = "dist/bloqr.mjs";
const MAIN = "dist/bloqr-main.mjs";

/** Written beside, then renamed: a `bloqr` running while `npm run compile` rebuilds reads whole files. */
function writeAtomically(path, contents, mode = 0o644) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, contents, { mode });
  renameSync(partial, path);
}

const { outputFiles } = await build({
  entryPoints: ["scripts/compile.ts"],
  outfile: MAIN,
  write: false,
  ...NODE_BUNDLE_OPTIONS,
});

// Node 22 keeps the compiled code of MAIN between runs (in the OS temp folder); Node 20 has no
// compile cache and simply loads it.
mkdirSync("dist", { recursive: true });
writeAtomically(MAIN, outputFiles[0].contents);
writeAtomically(
  BIN,
  `#!/usr/bin/env node
import module from "node:module";
module.enableCompileCache?.();
await import("./bloqr-main.mjs");
`,
  0o755,
);
