/**
 * `bloqr` — compiles a filter list from a configuration in the `@adguard/hostlist-compiler`
 * format. Built to plain JavaScript by scripts/build-cli.mjs when npm installs the project (this
 * file → dist/bloqr.cjs, the `bin`, which `node dist/bloqr.mjs` also runs; scripts/compile.ts →
 * dist/bloqr-main.cjs), so nothing is transpiled at run time; `npm run compile --` runs the same files.
 *
 * This entry is kept small: it reads the arguments, answers `--help` and `--version`, starts
 * reading the configuration, and while the file is read loads the compiler through V8's code
 * cache (scripts/lib/code-cache.ts; docs/decisions/0025-cli-start-up-and-format-output.md). It is
 * built as CommonJS: Node starts a CommonJS file without its ES module loader, and it has `require`.
 * Exits 0 when the list is written, 1 with a one-line error when the compilation fails, 2 when
 * the arguments are wrong.
 */
import { readFile } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseOutputFormats } from "../app/compiler/formats/names";
import { OUTPUT_FORMATS } from "../app/compiler/formats/report";
import { version } from "../package.json";
import type { runCompile } from "./compile";
import { CliError, describeError, reportError } from "./lib/cli-error";
import { cacheFileName, requireWithCodeCache } from "./lib/code-cache";

/** The bundles' content hashes, which name their code caches, and the id the compiler requires the trie by: set by scripts/build-cli.mjs. */
declare const BLOQR_COMPILER_HASH: string;
declare const BLOQR_TRIE_HASH: string;
declare const BLOQR_TRIE_ID: string;

const HELP = `Usage: bloqr -c <config.json> -o <file | -> [options]

Compiles the filter list a configuration describes (the @adguard/hostlist-compiler format).

Options:
  -c, --config <file>   the configuration (JSON)
  -o, --output <file>   where the list goes; - for stdout
      --format <name>   ${OUTPUT_FORMATS.join(", ")}
                        (default adblock; repeatable: -o then names a folder, one file a format)
  -q, --quiet           no progress, even on a terminal
  -v, --verbose         progress on stderr even when it is not a terminal
      --metrics         per-step line counts as JSON (on stdout; on stderr when -o -)
  -h, --help            this help
      --version         the version

Progress (sources loaded, each step's lines in and out, lines/s) goes to stderr when it is a
terminal. Exit status: 0 written, 1 compilation failed, 2 bad arguments.`;

const USAGE = "usage: bloqr -c <config.json> -o <output file | -> (bloqr --help for more)";

const OPTIONS = {
  config: { type: "string", short: "c" },
  output: { type: "string", short: "o" },
  format: { type: "string", multiple: true },
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  metrics: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

function parseArguments() {
  try {
    return parseArgs({ options: OPTIONS, allowPositionals: false }).values;
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`, 2);
  }
}

function parseFormats(names: string[]) {
  try {
    return parseOutputFormats(names);
  } catch (error) {
    throw new CliError(describeError(error), 2);
  }
}

/** Runs one of the bundles beside this file through its code cache. */
function requireBundle(name: string, hash: string, requireForBundle: (id: string) => unknown): unknown {
  return requireWithCodeCache(requireForBundle, join(__dirname, name), join(__dirname, "cache", cacheFileName(hash)));
}

function loadCompiler(): { runCompile: typeof runCompile } {
  // Required by the two modules that read it (tldts and public-suffix.ts): made once, as Node's require would.
  let trie: unknown;
  const requireForCompiler = (id: string) => {
    if (id !== BLOQR_TRIE_ID) return require(id);
    trie ??= requireBundle("bloqr-trie.cjs", BLOQR_TRIE_HASH, require);
    return trie;
  };
  return requireBundle("bloqr-main.cjs", BLOQR_COMPILER_HASH, requireForCompiler) as { runCompile: typeof runCompile };
}

async function main(): Promise<void> {
  const values = parseArguments();
  if (values.help) return void process.stdout.write(`${HELP}\n`);
  if (values.version) return void process.stdout.write(`bloqr ${version}\n`);
  if (!values.config || !values.output) throw new CliError(USAGE, 2);
  const { config, output } = values;
  const formats = parseFormats(values.format ?? []);
  if (formats.length > 1 && output === "-") throw new CliError("several formats need -o <folder>, not -", 2);

  // The first work: the file is read on libuv's threads while this thread loads the compiler.
  const startupMs = performance.now();
  const startupCpu = process.cpuUsage();
  // the callback API: node:fs is loaded with Node itself, node:fs/promises would be loaded first
  const configurationText = new Promise<string>((resolve, reject) =>
    readFile(config, "utf8", (error, text) => (error ? reject(error) : resolve(text))),
  );
  // handled where `runCompile` awaits it; without this, a failed read would count as unhandled while the compiler loads
  configurationText.catch(() => {});
  await loadCompiler().runCompile({
    configurationPath: config,
    configurationText,
    output,
    formats,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    metrics: values.metrics === true,
    startupMs,
    startupCpu,
  });
}

main().catch(reportError);
