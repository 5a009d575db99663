/**
 * Builds the `bloqr` CLI into plain JavaScript in dist/, so that a run starts in Node alone with
 * nothing transpiled (tsx took ~0.6 s before a byte was read). Runs on `npm install` (the
 * `prepare` script) and before `npm run compile`; dist/ is not committed
 * (docs/decisions/0013-newcomer-path.md). The files (docs/decisions/0025-cli-start-up-and-format-output.md):
 *
 * - dist/bloqr.cjs, the `bin`: scripts/bloqr.ts — the arguments, `--help`, `--version`, and the
 *   start of reading the configuration — small, so that the first work comes soon after Node's own
 *   start-up. dist/bloqr.mjs runs it for `node dist/bloqr.mjs`.
 * - dist/bloqr-main.cjs: scripts/compile.ts with the compiler, a CommonJS bundle that the entry
 *   runs through V8's code cache (dist/cache/, one file per bundle hash and Node version).
 *
 * Then it runs the CLI once on a two-line list, which writes the code cache for the Node that
 * built it (the one `npm install` or `npm run` runs on), so the first real run starts cached too.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

const BIN = "dist/bloqr.cjs";
/** For `node dist/bloqr.mjs`, which earlier builds made the `bin`: an ES module that runs BIN. */
const BIN_MODULE = "dist/bloqr.mjs";
const COMPILER = "dist/bloqr-main.cjs";
const CACHE = "dist/cache";
/** What earlier builds wrote and this one no longer does. */
const OBSOLETE = ["dist/bloqr-main.mjs"];

/** Written beside, then renamed: a `bloqr` running while `npm run compile` rebuilds reads whole files. */
function writeAtomically(path, contents, mode = 0o644) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, contents, { mode });
  renameSync(partial, path);
}

const common = {
  bundle: true,
  write: false,
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

const compiler = (await build({ ...common, entryPoints: ["scripts/compile.ts"], outfile: COMPILER, format: "cjs" }))
  .outputFiles[0].contents;
const compilerHash = createHash("sha256").update(compiler).digest("hex").slice(0, 16);
const entry = (
  await build({
    ...common,
    entryPoints: ["scripts/bloqr.ts"],
    outfile: BIN,
    format: "cjs",
    define: { BLOQR_COMPILER_HASH: JSON.stringify(compilerHash) },
    banner: { js: "#!/usr/bin/env node" },
  })
).outputFiles[0].contents;

mkdirSync(CACHE, { recursive: true });
writeAtomically(COMPILER, compiler);
writeAtomically(BIN, entry, 0o755);
writeAtomically(
  BIN_MODULE,
  `#!/usr/bin/env node\nimport { createRequire } from "node:module";\ncreateRequire(import.meta.url)("./bloqr.cjs");\n`,
  0o755,
);
for (const file of OBSOLETE) rmSync(file, { force: true });
// Caches of earlier bundles: never read again (their names hold another hash).
for (const file of readdirSync(CACHE))
  if (!file.startsWith(`${compilerHash}-`)) rmSync(join(CACHE, file), { force: true });

/** Runs the built CLI on a two-line list: it writes the code cache for this Node as it exits. */
function warmUp() {
  const scratch = mkdtempSync(join(tmpdir(), "bloqr-build-"));
  try {
    const list = join(scratch, "list.txt");
    const configuration = join(scratch, "configuration.json");
    writeFileSync(list, "||ads.example.com^\n0.0.0.0 tracker.example.net\n");
    // the steps most configurations name (not the validations: their public-suffix trie would make the cache large)
    const transformations = [
      "RemoveComments",
      "Compress",
      "Deduplicate",
      "TrimLines",
      "RemoveEmptyLines",
      "InsertFinalNewLine",
    ];
    writeFileSync(configuration, JSON.stringify({ name: "warm-up", sources: [{ source: list }], transformations }));
    const run = spawnSync(process.execPath, [BIN, "-c", configuration, "-o", join(scratch, "list.out")], {
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`the built CLI failed on a two-line list: ${run.stderr}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// Named as scripts/lib/code-cache.ts names it: a cache this Node already has needs no warm-up.
if (!readdirSync(CACHE).includes(`${compilerHash}-${process.version}-${process.arch}.v8`)) warmUp();
