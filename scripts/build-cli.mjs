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
 * - dist/bloqr-trie.cjs: tldts' public-suffix trie, which only the validations read — one nested
 *   literal of ~150 KB, the slowest code of all to compile — in a bundle and a code cache of its
 *   own, so that a compile that validates does not compile it and one that does not never loads it.
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
import { NODE_BUNDLE_OPTIONS } from "./lib/node-bundle.mjs";

const BIN = "dist/bloqr.cjs";
/** For `node dist/bloqr.mjs`, which earlier builds made the `bin`: an ES module that runs BIN. */
const BIN_MODULE = "dist/bloqr.mjs";
const COMPILER = "dist/bloqr-main.cjs";
const TRIE = "dist/bloqr-trie.cjs";
/** What the compiler bundle requires the trie as; scripts/bloqr.ts answers it with TRIE. */
const TRIE_ID = "bloqr:trie";
const CACHE = "dist/cache";
/** What earlier builds wrote and this one no longer does. */
const OBSOLETE = ["dist/bloqr-main.mjs"];

/** Written beside, then renamed: a `bloqr` running while `npm run compile` rebuilds reads whole files. */
function writeAtomically(path, contents, mode = 0o644) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, contents, { mode });
  renameSync(partial, path);
}

const common = { ...NODE_BUNDLE_OPTIONS, write: false };

/** The trie's module as tldts (`./data/trie`) and app/compiler/public-suffix.ts import it: left to TRIE. */
const trieApart = {
  name: "trie-apart",
  setup(build) {
    build.onResolve({ filter: /(^tldts\/|^\.\/)(dist\/es6\/src\/)?data\/trie(\.js)?$/ }, (args) =>
      args.path.startsWith("tldts/") || /[\\/]tldts[\\/]/.test(args.importer)
        ? { path: TRIE_ID, external: true }
        : undefined,
    );
  },
};
const hashOf = (contents) => createHash("sha256").update(contents).digest("hex").slice(0, 16);

const compiler = (
  await build({
    ...common,
    entryPoints: ["scripts/compile.ts"],
    outfile: COMPILER,
    format: "cjs",
    plugins: [trieApart],
  })
).outputFiles[0].contents;
if (!new TextDecoder().decode(compiler).includes(`require("${TRIE_ID}")`))
  throw new Error("the trie is still in the compiler");
const trie = (
  await build({ ...common, entryPoints: ["tldts/dist/es6/src/data/trie.js"], outfile: TRIE, format: "cjs" })
).outputFiles[0].contents;
const [compilerHash, trieHash] = [hashOf(compiler), hashOf(trie)];
const entry = (
  await build({
    ...common,
    entryPoints: ["scripts/bloqr.ts"],
    outfile: BIN,
    format: "cjs",
    define: {
      BLOQR_COMPILER_HASH: JSON.stringify(compilerHash),
      BLOQR_TRIE_HASH: JSON.stringify(trieHash),
      BLOQR_TRIE_ID: JSON.stringify(TRIE_ID),
    },
    banner: { js: "#!/usr/bin/env node" },
  })
).outputFiles[0].contents;

mkdirSync(CACHE, { recursive: true });
writeAtomically(COMPILER, compiler);
writeAtomically(TRIE, trie);
writeAtomically(BIN, entry, 0o755);
writeAtomically(
  BIN_MODULE,
  `#!/usr/bin/env node\nimport { createRequire } from "node:module";\ncreateRequire(import.meta.url)("./bloqr.cjs");\n`,
  0o755,
);
for (const file of OBSOLETE) rmSync(file, { force: true });
// Caches of earlier bundles: never read again (their names hold another hash).
for (const file of readdirSync(CACHE)) {
  if (!file.startsWith(`${compilerHash}-`) && !file.startsWith(`${trieHash}-`))
    rmSync(join(CACHE, file), { force: true });
}

/** Runs the built CLI on a two-line list: it writes the code caches for this Node as it exits. */
function warmUp() {
  const scratch = mkdtempSync(join(tmpdir(), "bloqr-build-"));
  try {
    const list = join(scratch, "list.txt");
    const configuration = join(scratch, "configuration.json");
    writeFileSync(list, "||ads.example.com^\n0.0.0.0 tracker.example.net\n");
    // the steps most configurations name
    const transformations = [
      "Validate",
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

// Named as scripts/lib/code-cache.ts names them: caches this Node already has need no warm-up.
const cached = readdirSync(CACHE);
if ([compilerHash, trieHash].some((hash) => !cached.includes(`${hash}-${process.version}-${process.arch}.v8`)))
  warmUp();
