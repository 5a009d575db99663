/**
 * `bloqr` — compiles a filter list from a configuration in the `@adguard/hostlist-compiler`
 * format. Built to plain JavaScript (dist/bloqr.mjs, by scripts/build-cli.mjs when npm installs
 * the project), so nothing is transpiled at run time; `npm run compile --` runs the same file.
 * Sources may be local files (paths relative to the current directory; allowed here, never in the
 * Worker) or http(s) URLs. `--format <name>` picks the output format (repeatable: with several,
 * `-o` names a folder that gets one file per format). Exits 0 when the list is written, 1 with a one-line error when the
 * compilation fails, 2 when the arguments are wrong.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
// From the compiler's modules, not its index: the index also exports what the CLI never uses
// (`lookupHost`, from `explain.ts`), and with it the bundle would load tldts' public-suffix trie at
// start-up (docs/decisions/0025-cli-start-up-and-format-output.md).
import { NO_LIMITS } from "../app/compiler/budget";
import { compile } from "../app/compiler/compile";
import { parseConfiguration } from "../app/compiler/configuration";
import type { CompileMetrics } from "../app/compiler/events";
import { listFileName, OUTPUT_FORMATS, parseOutputFormats } from "../app/compiler/formats";
import { version } from "../package.json";
import { createProgress, type Progress } from "./lib/compile-progress";

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

/** A remote source that takes longer than this is treated as unavailable. */
const FETCH_TIMEOUT_MS = 60_000;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `no such file: ${(error as NodeJS.ErrnoException).path}`;
    return error.message.split("\n")[0];
  }
  return String(error);
}

async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new CliError(`${source}: HTTP ${response.status}`);
    return response.text();
  }
  try {
    return await readFile(source, "utf8");
  } catch (error) {
    throw new CliError(`cannot read source ${source}: ${describeError(error)}`);
  }
}

function parseArguments() {
  try {
    return parseArgs({ options: OPTIONS, allowPositionals: false }).values;
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`, 2);
  }
}

async function readConfiguration(path: string) {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read configuration: ${describeError(error)}`);
  }
  try {
    return parseConfiguration(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new CliError(`${path} is not valid JSON: ${describeError(error)}`);
    throw error;
  }
}

function parseFormats(names: string[]) {
  try {
    return parseOutputFormats(names);
  } catch (error) {
    throw new CliError(describeError(error), 2);
  }
}

/** What `--metrics` prints: the compiler's counts and how long this process took to get going. */
interface MetricsReport extends CompileMetrics {
  /** From the process's start to reading the configuration: Node's start-up and loading this file. */
  startupMs: number;
  /** CPU time of the same stretch (all of the process's threads): what a busy machine does not inflate. */
  startupCpuMs: number;
  totalMs: number;
}

async function main(): Promise<void> {
  const values = parseArguments();
  if (values.help) return void process.stdout.write(`${HELP}\n`);
  if (values.version) return void process.stdout.write(`bloqr ${version}\n`);
  if (!values.config || !values.output) throw new CliError(USAGE, 2);
  const { config, output } = values;
  const formats = parseFormats(values.format ?? []);
  if (formats.length > 1 && output === "-") throw new CliError("several formats need -o <folder>, not -", 2);

  const startupMs = performance.now();
  const startupCpu = process.cpuUsage();
  const configuration = await readConfiguration(config);
  const showProgress = !values.quiet && (values.verbose || process.stderr.isTTY === true);
  const progress: Progress | undefined = showProgress
    ? createProgress((line) => process.stderr.write(`${line}\n`))
    : undefined;
  const result = await compile(configuration, {
    loadSource: async (source) => {
      const text = await readSource(source);
      progress?.loaded();
      return text;
    },
    compilerVersion: version,
    // The Worker's compile budget protects a shared 128 MB isolate; here the memory is the user's.
    limits: NO_LIMITS,
    formats,
    onEvent: progress?.onEvent,
  });
  if (output === "-") process.stdout.write(result.text);
  else if (formats.length === 1) await writeFile(output, result.text);
  else {
    await mkdir(output, { recursive: true });
    for (const list of result.outputs)
      await writeFile(join(output, listFileName(configuration.name, list.format)), list.text);
  }
  progress?.finish(result.metrics.lineCount, result.ruleCount, output === "-" ? "stdout" : output);
  if (values.metrics) {
    const startupCpuMs = (startupCpu.user + startupCpu.system) / 1000;
    const report: MetricsReport = { ...result.metrics, startupMs, startupCpuMs, totalMs: performance.now() };
    (output === "-" ? process.stderr : process.stdout).write(`${JSON.stringify(report, null, 2)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${describeError(error)}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
});
