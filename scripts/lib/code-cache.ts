/**
 * Loads a CommonJS bundle through V8's code cache, on every Node the CLI supports. Node 20 has no
 * compile cache (`module.enableCompileCache` came in 22.1) and none at all for ES modules, so the
 * compiler is a CommonJS bundle compiled here with `vm.Script` and `cachedData`: with the cache,
 * V8 skips parsing and compiling the bundle (docs/decisions/0025-cli-start-up-and-format-output.md).
 *
 * The cache is the bytecode V8 made for this exact bundle on this exact Node: its file is named
 * after the bundle's content hash (V8 itself only checks the source's length), the Node version
 * and the architecture, and V8 rejects data made by another V8 or with other flags. A missing or
 * rejected cache costs one ordinary compile, and the process writes a new one as it exits. It
 * lives beside the bundle, as trusted as the bundle itself (never in a shared temporary folder,
 * where another user could plant bytecode); where that folder is read-only, nothing is cached.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Script } from "node:vm";

/** CommonJS's function wrapper, so the bundle sees `require`, `module` and `exports` as under Node's own loader. */
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {";
const WRAPPER_END = "\n})";

export function cacheFileName(bundleHash: string): string {
  return `${bundleHash}-${process.version}-${process.arch}.v8`;
}

/**
 * Runs `bundle` (a CommonJS file) and returns its `module.exports`. `require` is what the bundle
 * requires with: Node's own modules, and the other bundles it was built to require.
 */
export function requireWithCodeCache(require: (id: string) => unknown, bundle: string, cacheFile: string): unknown {
  // esbuild writes ASCII only (it escapes the rest), so the bytes are the characters: no UTF-8 decoding
  const source = readFileSync(bundle, "latin1");
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache yet for this bundle on this Node: compiled from the source, and saved at exit
  }
  const script = new Script(WRAPPER_START + source + WRAPPER_END, { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit rather than now, so that the cache also holds the functions this run compiled lazily.
    process.once("exit", () => saveCache(script, cacheFile));
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, bundle, dirname(bundle));
  return module.exports;
}

function saveCache(script: Script, cacheFile: string): void {
  // Written beside, then renamed: two runs that save at once leave one whole file.
  const partial = `${cacheFile}.${process.pid}.partial`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(partial, script.createCachedData());
    renameSync(partial, cacheFile);
  } catch {
    // a read-only install: every run compiles the bundle, as without a cache
    rmSync(partial, { force: true });
  }
}
