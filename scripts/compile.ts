/**
 * The `bloqr` CLI's compile: reads the configuration, compiles, writes the list(s). Built to a
 * CommonJS bundle (dist/bloqr-main.cjs) that the entry, scripts/bloqr.ts, loads through V8's code
 * cache once it has read the arguments and started reading the configuration. Sources may be local
 * files (paths relative to the current directory; allowed here, never in the Worker) or http(s)
 * URLs. With several formats, `output` names a folder that gets one file per format.
 */
import { fstatSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
// From the compiler's modules, not its index: the index also exports what the CLI never uses
// (`lookupHost`, from `explain.ts`), and with it the bundle would load tldts' public-suffix trie at
// start-up (docs/decisions/0025-cli-start-up-and-format-output.md).
import { NO_LIMITS } from "../app/compiler/budget";
import { compile } from "../app/compiler/compile";
import { parseConfiguration } from "../app/compiler/configuration";
import type { CompileMetrics } from "../app/compiler/events";
import { listFileName, type OutputFormat } from "../app/compiler/formats";
import { version } from "../package.json";
import { CliError, describeError, reportError } from "./lib/cli-error";
import { createProgress, type Progress } from "./lib/compile-progress";

/** What the entry has read from the arguments, and the configuration it has started reading. */
export interface CompileRequest {
  configurationPath: string;
  configurationText: Promise<string>;
  /** A file, `-` for stdout, or a folder when there are several formats. */
  output: string;
  formats: OutputFormat[];
  quiet: boolean;
  verbose: boolean;
  metrics: boolean;
  /** When the entry started reading the configuration (`performance.now()`), and the CPU used by then. */
  startupMs: number;
  startupCpu: NodeJS.CpuUsage;
}

/** A remote source that takes longer than this is treated as unavailable. */
const FETCH_TIMEOUT_MS = 60_000;

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

async function readConfiguration(path: string, reading: Promise<string>) {
  let text: string;
  try {
    text = await reading;
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

/** What `--metrics` prints: the compiler's counts and how long this process took to get going. */
interface MetricsReport extends CompileMetrics {
  /** From the process's start to the entry's starting to read the configuration: Node's start-up and loading the entry. */
  startupMs: number;
  /** CPU time of the same stretch (all of the process's threads): what a busy machine does not inflate. */
  startupCpuMs: number;
  totalMs: number;
}

/**
 * Whether stderr is a terminal. `process.stderr` is made on first use, and making it loads Node's
 * streams; a terminal is a character device, so a file or a pipe is answered without it.
 */
function stderrIsTerminal(): boolean {
  try {
    return fstatSync(2).isCharacterDevice() && process.stderr.isTTY === true;
  } catch {
    return false; // stderr closed (`2>&-`)
  }
}

/** Compiles as `request` says; a failure is reported on stderr with the exit status it calls for. */
export async function runCompile(request: CompileRequest): Promise<void> {
  try {
    await compileAndWrite(request);
  } catch (error) {
    reportError(error);
  }
}

async function compileAndWrite(request: CompileRequest): Promise<void> {
  const { output, formats } = request;
  const configuration = await readConfiguration(request.configurationPath, request.configurationText);
  const showProgress = !request.quiet && (request.verbose || stderrIsTerminal());
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
  if (request.metrics) {
    const { startupMs, startupCpu } = request;
    const startupCpuMs = (startupCpu.user + startupCpu.system) / 1000;
    const report: MetricsReport = { ...result.metrics, startupMs, startupCpuMs, totalMs: performance.now() };
    (output === "-" ? process.stderr : process.stdout).write(`${JSON.stringify(report, null, 2)}\n`);
  }
}
