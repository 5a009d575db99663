/**
 * `npm run bench:compile` — our compiler against `@adguard/hostlist-compiler` (the reference) on the
 * same generated corpora, side by side in one run, as issue 7 describes it:
 *
 * - Corpora of about 300k and 1.2M lines (`generateBenchmarkCorpus`: mixed hosts and adblock rules,
 *   ~10 % duplicates, comments, invalid and blank lines; fixed seeds, so every run compiles the same
 *   text), one source each, compiled with Deduplicate, Validate, RemoveComments, Compress,
 *   TrimLines, RemoveEmptyLines and InsertFinalNewLine.
 * - Our compiler as it ships: the run first bundles `app/compiler` with esbuild, with the options the
 *   CLI's `dist/bloqr-main.cjs` is built with (`scripts/lib/node-bundle.mjs`; Wrangler bundles the
 *   Worker with esbuild too), and every child of ours loads that bundle, not the modules through tsx
 *   (bundled, the same source runs differently: decision 0026).
 * - Speed: every measurement runs in a child process that loads only one compiler and warms it up
 *   (untimed compilations of a 10k-line corpus: at least 5 and for at least a second; ours then
 *   compiles the measured corpus twice untimed), then times compilations in a row, in wall time
 *   and in CPU time. Ours is handed the source's text, read once, as the `--formats` and
 *   `--explain` children are; reading the file each run (fs/promises `readFile`, 9.3 MB at 300k
 *   lines) is timed apart and printed beside it: on this machine, where a fresh page of memory
 *   costs ~13 µs, it took 35–45 ms and made the compile after it slower, ~90 ms per run in all,
 *   which is the file system's time, not the compiler's. The whole-process rows include every
 *   read. The reference reads its own files inside its time (one compilation takes 10 s or more). Warmed on the small corpus only, our first compilations of a large one ran
 *   ×1.2–1.4 slower than the later ones (V8 sizing its heap for it), and with five runs a child
 *   those first runs set the median; the reference's compilations take 10 s to minutes, where
 *   that is noise, so it is not given the extra runs. For each size the children alternate,
 *   ours then the reference, for a few rounds; medians over all runs. The reference stops once it
 *   has used its time budget for the size but runs at least once: it is quadratic, one compilation
 *   of the 1.2M corpus takes minutes.
 * - Growth (300k → 1.2M): ours only, both corpora compiled alternately in the same warmed
 *   processes (see `growthChild`), medians.
 * - Output: every output is hashed; ours must equal the reference's (the `! Last modified:` and
 *   `! Compiled by` lines aside) or the bench fails.
 * - Memory: each timing child reports its peak RSS, which mostly shows how lazily V8 collects when
 *   memory is plentiful. What our compiler needs is measured as a Worker limits it: the smallest
 *   V8 heap (`--max-heap-size`) a compilation completes in, found by bisection over children,
 *   plus the peak of the typed arrays it makes (line indexes, hash tables, the output buffer live
 *   outside V8's heap; counted at every allocation, see `countTypedArrays`). The baseline is the
 *   same heap measure for the 10k-line warm-up corpus: Node with the compiler loaded, and V8's own
 *   headroom, which a bare `heapUsed` would leave out. Heap above the baseline's plus typed arrays
 *   is the compilation's peak (an upper bound: the two peak at different steps); with the
 *   baseline, what a 128 MB Worker must hold. The children collect garbage on one thread
 *   (`--single-threaded-gc`): with V8's concurrent marking, whether a compilation fit in a given
 *   heap depended on how the machine scheduled the helper threads, and the same cap passed or
 *   failed from one run to the next (31–39 MB at 300k lines). A child exits as soon as its compile
 *   has returned (a collection after it had failed caps the compile fit), and the cap the bisection
 *   ends at must fit twice more (decision 0036): run to run it moves by about a megabyte.
 *   `--memory-only` prints just these rows, each size bisected `--memory-runs` times, and what is
 *   live after each step of one compile (collected at every event: the diagnosis, not the figure).
 *
 * - `--budget` instead measures the compile budget (`app/compiler/budget.ts`): configurations that
 *   use all of it — one source of the whole input budget; the most sources, all naming one text;
 *   the most includes of one file; short lines that `InvertAllow` makes into the largest output —
 *   each compiled within the Worker's limits, by the same heap-cap bisection; each must fit a
 *   128 MB isolate with a margin.
 * - Output formats (`--formats`, ours only, instead of all the above): what each format pass adds
 *   to a compile (issue 17: at most 20 %). Time: compilations in adblock alone and in adblock plus
 *   one other format, alternating in one warmed process; the pass is the difference of the median
 *   CPU times.
 *   Memory: the same heap-cap bisection for a compile in one format (as the API asks for it)
 *   against the compile in adblock, for the formats in `--format-memory` (default hosts,rpz: the
 *   exact-name set and the largest output); `--format-memory none` skips it (the quick mode).
 * - Explanation (`--explain`, ours only, instead of all the above): what `explain: true` costs (issue
 *   21) — CPU time of compiles with and without it, alternating in one warmed process, and the same
 *   heap-cap bisection for a compile with it against one without. Off, the steps run as before: the
 *   "off" row is the plain compile.
 * - Whole process: both command lines as a user runs them — our `bloqr` (dist/bloqr.cjs, which
 *   `npm install` builds) and the reference's `hostlist-compiler`, each an executable started
 *   through `#!/usr/bin/env node` with the same PATH, so the same Node — on the first corpus,
 *   alternating, wall time from spawn to exit (start-up, reading, compiling, writing the file);
 *   outputs compared as above. And our start-up alone: from the process's start to its starting to
 *   read the configuration (`bloqr --metrics`' `startupMs`) on a two-line list, alternating with
 *   `node -e` (Node's own start-up to a script's first line), and the whole tiny compile from spawn
 *   to exit beside `node -e`'s; with the machine's load average, as the machine is shared.
 *
 * Options: --lines 300000,1200000  --runs 5 (timed runs of ours per child)  --rounds 3
 *          --reference-budget 60 (seconds of reference wall time per size)  --no-memory  --budget
 *          --formats [--format-memory hosts,rpz|none]  --explain [--no-memory]
 *          --whole-process (only the whole-process rows, on the first size: ~1 min at 300k lines;
 *          with --lines 10000, seconds)  --startup-only (only the start-up rows, ~30 s)
 *          --startup-runs 31  --memory-only [--memory-runs 2] (about 2 minutes a run of both sizes)
 * Takes about ten minutes, four to five of them the reference's one compilation of the 1.2M corpus;
 * `--formats` about six, `--formats --format-memory none --lines 300000` under a minute.
 * The temporary directory is removed at the end.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import {
  type CompileEvent,
  MAX_INCLUDES,
  MAX_INPUT_BYTES,
  MAX_LINES,
  MAX_OUTPUT_BYTES,
  MAX_SOURCES,
  NO_LIMITS,
  type OutputFormat,
} from "../app/compiler";
import { BENCHMARK_TRANSFORMATIONS, generateBenchmarkCorpus } from "../tests/unit/compiler/support/generator";
import { Random } from "../tests/unit/compiler/support/random";
import { NODE_BUNDLE_OPTIONS } from "./lib/node-bundle.mjs";
import { countTypedArrays } from "./lib/typed-arrays";

const DEFAULT_LINES = [300_000, 1_200_000];
const WARMUP_LINES = 10_000;
const DEFAULT_RUNS = 5;
const DEFAULT_ROUNDS = 3;
/** `--memory-only` bisects each size this many times over, to show how far the figure moves. */
const DEFAULT_MEMORY_RUNS = 2;
const WARMUP_RUNS = 5;
/** Untimed compilations of the measured corpus itself before ours is timed (see the header). */
const CORPUS_WARMUP_RUNS = 2;
const WARMUP_SECONDS = 1;
const DEFAULT_REFERENCE_BUDGET_SECONDS = 60;
const TRANSFORMATIONS = BENCHMARK_TRANSFORMATIONS;
/** The issues' targets (7: speed ratio, growth, memory; 19: lines per second at the first size). */
const TARGET_SPEEDUP = 10;
const TARGET_LINES_PER_SECOND = 1_500_000;
const TARGET_GROWTH_PER_4X = 4.4;
const TARGET_MEMORY_PER_INPUT = 2.5;
const WORKER_MEMORY_MB = 128;
/** What a compile with the full budget may need of a Worker's 128 MB: the rest is the margin. */
const BUDGET_TARGET_MB = 100;
/** The heap-cap bisection stops when the bounds are this close (MB). */
const HEAP_CAP_RESOLUTION_MB = 1;
const HEAP_CAP_CEILING_MB = 512;
/** Times the cap the bisection ends at must fit again (the edge still moves by a megabyte or so). */
const HEAP_CAP_CONFIRMATIONS = 2;
const CHILD_TIMEOUT_MS = 30 * 60 * 1000;
/** A memory child that takes longer than this is thrashing at its cap: counted as not fitting. */
const MEMORY_CHILD_TIMEOUT_MS = 3 * 60 * 1000;
/** Start-ups timed for the start-up row (each a few tens of milliseconds); medians of many, as the machine is shared. */
const DEFAULT_STARTUP_RUNS = 31;
const TARGET_STARTUP_MS = 100;
const OUR_CLI = "dist/bloqr.cjs";
const REFERENCE_CLI = "node_modules/.bin/hostlist-compiler";
const VOLATILE_HEADER_LINE = /^! (Last modified: |Compiled by )/;
/** The bound on what one format pass adds to a compile's time or memory. */
const TARGET_FORMAT_PASS_SHARE = 0.2;
const DEFAULT_FORMAT_MEMORY: OutputFormat[] = ["hosts", "rpz"];
const MB = 2 ** 20;

/** The children's option naming the bundle of our compiler they load. */
const COMPILER_BUNDLE_OPTION = "--compiler-bundle";

type Implementation = "ours" | "reference";
type Compiler = () => Promise<string>;

interface TimedRun {
  wallMs: number;
  cpuMs: number;
}

interface TimingResult {
  runs: TimedRun[];
  /** Ours: reading the source file into a string, timed apart from the compile (ms per run). */
  sourceReadMs: number[];
  outputHash: string;
  outputLines: number;
  peakRssMb: number;
}

interface GrowthResult {
  smallerMs: number[];
  largerMs: number[];
}

interface MemoryResult {
  baselineHeapMb: number;
  baselineExternalMb: number;
  peakExternalMb: number;
  baselineRssMb: number;
  peakRssMb: number;
  /** With `--live-steps`: what is live after each step, collected (see `memoryChild`). */
  liveSteps?: LiveStep[];
}

/** Heap and typed arrays still reachable at a compile event, above the baseline, in MB. */
interface LiveStep {
  event: string;
  heapMb: number;
  typedArraysMb: number;
}

/** A memory figure of this process from `/proc/self/status` (`VmRSS`, `VmHWM`), in MB. */
function procStatusMb(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  if (!match) throw new Error(`no ${field} in /proc/self/status`);
  return Number(match[1]) / 1024;
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

function configurationFor(corpusPath: string) {
  return {
    name: "Benchmark",
    sources: [{ name: "corpus", source: corpusPath, type: "adblock" }],
    transformations: TRANSFORMATIONS,
  };
}

/** Writes the corpus and its configuration; returns the configuration's path. */
function writeCorpus(directory: string, lines: number): string {
  const corpusPath = join(directory, `corpus-${lines}.txt`);
  writeFileSync(corpusPath, generateBenchmarkCorpus(new Random(lines), lines));
  const configurationPath = join(directory, `configuration-${lines}.json`);
  writeFileSync(configurationPath, JSON.stringify(configurationFor(corpusPath)));
  return configurationPath;
}

/** Set in the parent: the bundle of our compiler its children load (see `bundleCompiler`). */
let compilerBundle: string | undefined;

/**
 * Bundles `app/compiler` with esbuild as the CLI is built (and as Wrangler builds the Worker), so
 * that the children time the code that ships: under tsx, each module loaded on its own, the same
 * source ran ×1.55–1.70 slower in places (docs/decisions/0026-engine-string-reads-and-grouped-deduplicate.md).
 */
async function bundleCompiler(directory: string): Promise<string> {
  const outfile = join(directory, "compiler.mjs");
  await build({ ...NODE_BUNDLE_OPTIONS, format: "esm", entryPoints: ["app/compiler/index.ts"], outfile });
  return outfile;
}

/** Our compiler as a child loads it: the parent's bundle. */
async function importCompiler(): Promise<typeof import("../app/compiler")> {
  const bundle = option(COMPILER_BUNDLE_OPTION);
  if (!bundle) throw new Error(`a child needs ${COMPILER_BUNDLE_OPTION}`);
  return import(pathToFileURL(bundle).href);
}

/** Loads one compiler bound to a configuration file; only that compiler's modules are imported. */
async function loadCompiler(implementation: Implementation, configurationPath: string): Promise<Compiler> {
  const configuration = JSON.parse(readFileSync(configurationPath, "utf8"));
  if (implementation === "ours") {
    const { compile } = await importCompiler();
    // read once: the rows time the compiler, not the file system (see `timingChild`)
    const texts = new Map<string, string>();
    for (const { source } of configuration.sources) texts.set(source, readFileSync(source, "utf8"));
    const loadSource = async (path: string) => texts.get(path) ?? readFile(path, "utf8");
    return async () => (await compile(structuredClone(configuration), { loadSource, limits: NO_LIMITS })).text;
  }
  const require = createRequire(import.meta.url);
  const referenceEntry = require.resolve("@adguard/hostlist-compiler");
  const referenceCompile: (configuration: unknown) => Promise<string[]> = require(referenceEntry);
  // The reference logs every step; silence it.
  require(require.resolve("consola", { paths: [referenceEntry] })).level = Number.NEGATIVE_INFINITY;
  // the text the reference's CLI writes; ours builds it inside `compile` (`result.text`)
  return async () => (await referenceCompile(structuredClone(configuration))).join("\n");
}

function outputHash(text: string): string {
  const comparable = text
    .split("\n")
    .filter((line) => !VOLATILE_HEADER_LINE.test(line))
    .join("\n");
  return createHash("sha256").update(comparable).digest("hex");
}

/** Child: one compiler, warmed up, then timed runs; the result as one JSON line on stdout. */
async function timingChild(implementation: Implementation): Promise<void> {
  const runs = Number(option("--runs"));
  const budgetMs = Number(option("--budget")) * 1000;
  const warmup = await loadCompiler(implementation, option("--warmup-configuration")!);
  const warmupStarted = performance.now();
  for (let done = 0; done < WARMUP_RUNS || performance.now() - warmupStarted < WARMUP_SECONDS * 1000; done++) {
    await warmup();
  }
  const compiler = await loadCompiler(implementation, option("--configuration")!);
  if (implementation === "ours") for (let done = 0; done < CORPUS_WARMUP_RUNS; done++) await compiler();
  const result: TimingResult = { runs: [], sourceReadMs: [], outputHash: "", outputLines: 0, peakRssMb: 0 };
  const sources = JSON.parse(readFileSync(option("--configuration")!, "utf8")).sources as { source: string }[];
  let spentMs = 0;
  while (result.runs.length < runs && (result.runs.length === 0 || spentMs < budgetMs)) {
    if (implementation === "ours") {
      const readStarted = performance.now();
      for (const { source } of sources) await readFile(source, "utf8");
      result.sourceReadMs.push(performance.now() - readStarted);
    }
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const text = await compiler();
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    result.runs.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
    spentMs += wallMs;
    const hash = outputHash(text);
    if (result.outputHash && hash !== result.outputHash) throw new Error("the output changed between runs");
    result.outputHash = hash;
    result.outputLines = text.split("\n").length;
  }
  result.peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Child for the growth factor: our compiler, warmed up, alternating compilations of two corpora
 * (smaller, larger, then larger, smaller, …) so that both sizes see the same machine load. Timed
 * apart, minutes from each other, the ratio moved by ±15 % between runs of the bench with the load
 * of other jobs on the machine.
 */
async function growthChild(): Promise<void> {
  const pairs = Number(option("--pairs"));
  const warmup = await loadCompiler("ours", option("--warmup-configuration")!);
  for (let done = 0; done < WARMUP_RUNS; done++) await warmup();
  const [smaller, larger] = await Promise.all(
    option("--configurations")!
      .split(",")
      .map((path) => loadCompiler("ours", path)),
  );
  // as the timing children: each corpus compiled untimed first
  for (let done = 0; done < CORPUS_WARMUP_RUNS; done++) {
    await smaller();
    await larger();
  }
  const result: GrowthResult = { smallerMs: [], largerMs: [] };
  const time = async (compiler: Compiler, into: number[]) => {
    const started = performance.now();
    await compiler();
    into.push(performance.now() - started);
  };
  for (let pair = 0; pair < pairs; pair++) {
    if (pair % 2 === 0) {
      await time(smaller, result.smallerMs);
      await time(larger, result.largerMs);
    } else {
      await time(larger, result.largerMs);
      await time(smaller, result.smallerMs);
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Child, run with `--max-heap-size`: one compilation of ours after one small one (so that what is
 * loaded lazily, such as the public suffix trie, is in the baseline); exits non-zero when the heap
 * is too small.
 */
async function memoryChild(): Promise<void> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error("the memory child needs --expose-gc");
  let peakExternal = 0;
  const sampleExternal = () => {
    peakExternal = Math.max(peakExternal, process.memoryUsage().arrayBuffers);
  };
  countTypedArrays(sampleExternal);
  await (await loadCompiler("ours", option("--warmup-configuration")!))();
  // The files are read before the baseline: Node's `readFile` buffers them in chunks and copies
  // them, garbage that would count against the heap cap although the compiler never sees it. The
  // bytes are in the baseline and in every later sample alike; the texts are made from them inside
  // the compilation, so the texts count.
  const configuration = JSON.parse(readFileSync(option("--configuration")!, "utf8"));
  // the sources, and the files they include (the budget shapes include one level deep)
  const files = new Map<string, Buffer>();
  for (const { source } of configuration.sources) {
    if (files.has(source)) continue;
    files.set(source, readFileSync(source));
    for (const [, target] of files
      .get(source)!
      .toString("utf8")
      .matchAll(/^!#include (.+)$/gm)) {
      const path = join(dirname(source), target);
      if (!files.has(path)) files.set(path, readFileSync(path));
    }
  }
  // The budget shapes are compiled within the Worker's limits (the default), the corpora without.
  const limits = process.argv.includes("--worker-limits") ? undefined : NO_LIMITS;
  const { compile } = await importCompiler();
  collect();
  collect();
  const baseline = process.memoryUsage();
  const baselineRss = procStatusMb("VmRSS");
  peakExternal = 0;
  writeFileSync("/proc/self/clear_refs", "5"); // peak RSS from now on
  const formats = option("--formats")?.split(",") as OutputFormat[] | undefined;
  const explain = process.argv.includes("--explain");
  // Collecting at every event changes when V8 collects, so a child does this or runs under a cap.
  const liveSteps: LiveStep[] | undefined = process.argv.includes("--live-steps") ? [] : undefined;
  const onEvent = liveSteps
    ? (event: CompileEvent) => {
        collect();
        const now = process.memoryUsage();
        const step = event.type === "transformation" ? `${event.scope} ${event.name}` : event.type;
        liveSteps.push({
          event: step,
          heapMb: (now.heapUsed - baseline.heapUsed) / MB,
          typedArraysMb: (now.arrayBuffers - baseline.arrayBuffers) / MB,
        });
      }
    : undefined;
  await compile(configuration, {
    loadSource: async (path) => files.get(path)!.toString("utf8"),
    limits,
    formats,
    explain,
    onEvent,
  });
  const result: MemoryResult = {
    baselineHeapMb: baseline.heapUsed / MB,
    baselineExternalMb: baseline.arrayBuffers / MB,
    peakExternalMb: peakExternal / MB,
    baselineRssMb: baselineRss,
    peakRssMb: procStatusMb("VmHWM"),
    liveSteps,
  };
  // Exit at once: the compile has completed. Left to run, V8 finishes the marking it started during
  // the compile, with everything allocated since counted live, and that collection could hit the
  // cap after the compile fit (half the failures at a cap near the edge were such late ones).
  writeSync(1, `${JSON.stringify(result)}\n`);
  process.exit(0);
}

function runChild<T>(nodeOptions: string[], args: string[], timeoutMs = CHILD_TIMEOUT_MS): T | null {
  const child = spawnSync(
    process.execPath,
    [
      ...nodeOptions,
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      ...args,
      ...(compilerBundle ? [COMPILER_BUNDLE_OPTION, compilerBundle] : []),
    ],
    {
      encoding: "utf8",
      timeout: timeoutMs,
      maxBuffer: 16 * MB,
    },
  );
  if (child.status !== 0) return null;
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as T;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** All the timing children of one compiler at one size, merged. */
interface Timing {
  runs: TimedRun[];
  sourceReadMs: number[];
  hashes: Set<string>;
  outputLines: number;
  peakRssMb: number;
}

function merge(timing: Timing | undefined, result: TimingResult): Timing {
  if (!timing) {
    return {
      ...result,
      runs: [...result.runs],
      sourceReadMs: [...result.sourceReadMs],
      hashes: new Set([result.outputHash]),
    };
  }
  timing.runs.push(...result.runs);
  timing.sourceReadMs.push(...result.sourceReadMs);
  timing.hashes.add(result.outputHash);
  timing.peakRssMb = Math.max(timing.peakRssMb, result.peakRssMb);
  return timing;
}

/** What our compiler needs at one size: the smallest heap cap it completes in, and its typed arrays. */
interface Memory {
  heapCapMb: number;
  result: MemoryResult;
}

function measureMemory(configuration: string, warmupConfiguration: string, extraArgs: string[] = []): Memory | null {
  const attempt = (capMb: number) =>
    runChild<MemoryResult>(
      [`--max-heap-size=${capMb}`, "--single-threaded-gc", "--expose-gc"],
      ["--memory-child", "--configuration", configuration, "--warmup-configuration", warmupConfiguration, ...extraArgs],
      MEMORY_CHILD_TIMEOUT_MS,
    );
  let fits = attempt(HEAP_CAP_CEILING_MB);
  if (!fits) return null;
  let high = HEAP_CAP_CEILING_MB;
  let low = Math.floor(fits.baselineHeapMb) - 1;
  while (high - low > HEAP_CAP_RESOLUTION_MB) {
    const middle = Math.floor((low + high) / 2);
    const result = attempt(middle);
    if (result) {
      high = middle;
      fits = result;
    } else {
      low = middle;
    }
  }
  // A cap at the edge can fit once by luck: it counts once it fits again and again.
  for (let confirmed = 0; confirmed < HEAP_CAP_CONFIRMATIONS && high < HEAP_CAP_CEILING_MB; ) {
    const result = attempt(high);
    if (result) {
      confirmed++;
      fits = result;
    } else {
      high += HEAP_CAP_RESOLUTION_MB;
      confirmed = 0;
    }
  }
  return { heapCapMb: high, result: fits };
}

const wallMs = (timing: Timing) => median(timing.runs.map((run) => run.wallMs));
const cpuMs = (timing: Timing) => median(timing.runs.map((run) => run.cpuMs));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const linesPerSecond = (lines: number, ms: number) => `${Math.round((lines / ms) * 1000).toLocaleString("en")}/s`;
const verdict = (meets: boolean) => (meets ? "meets" : "MISSES");

interface Row {
  lines: number;
  inputMb: number;
  ours: Timing;
  reference: Timing;
  memory: Memory | null;
  baseline: Memory | null;
}

/**
 * Child for `--formats`: our compiler, warmed up, compiling one corpus in adblock alone and in
 * adblock plus each other format, in a rotating order, `--runs` times each; the CPU times by
 * variant (CPU, not wall time: the pass is a fraction of a compile, and on a shared machine the
 * wall time of one compile moved by more than that).
 */
async function formatChild(): Promise<void> {
  const { OUTPUT_FORMATS } = await importCompiler();
  const runs = Number(option("--runs"));
  const warmup = await corpusCompiler(option("--warmup-configuration")!);
  for (let done = 0; done < WARMUP_RUNS; done++) await warmup({ formats: [...OUTPUT_FORMATS] });
  const compileCorpus = await corpusCompiler(option("--configuration")!);
  const variants: OutputFormat[][] = OUTPUT_FORMATS.map((format) =>
    format === "adblock" ? ["adblock"] : ["adblock", format],
  );
  const times: Record<string, number[]> = {};
  for (let run = 0; run < runs; run++) {
    for (let offset = 0; offset < variants.length; offset++) {
      const formats = variants[(run + offset) % variants.length];
      const before = process.cpuUsage();
      await compileCorpus({ formats });
      const cpu = process.cpuUsage(before);
      const format = formats.at(-1)!;
      times[format] = [...(times[format] ?? []), (cpu.user + cpu.system) / 1000];
    }
  }
  process.stdout.write(`${JSON.stringify(times)}\n`);
}

/** Runs a child that reports CPU times by variant, `rounds` times; the times of all rounds by variant. */
function timesOverRounds(
  child: "--format-child" | "--explain-child",
  configuration: string,
  warmupConfiguration: string,
  runs: string,
  rounds: number,
): Record<string, number[]> {
  const times: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    const result = runChild<Record<string, number[]>>(
      [],
      [child, "--configuration", configuration, "--warmup-configuration", warmupConfiguration, "--runs", runs],
    );
    if (!result) throw new Error(`the ${child.slice(2)} failed on ${configuration}`);
    for (const [variant, values] of Object.entries(result)) times[variant] = [...(times[variant] ?? []), ...values];
  }
  return times;
}

/** Compiles a bench configuration's one source, read once, with the given options. */
async function corpusCompiler(path: string) {
  const { compile } = await importCompiler();
  const configuration = JSON.parse(readFileSync(path, "utf8"));
  const text = readFileSync(configuration.sources[0].source, "utf8");
  return (options: { formats?: OutputFormat[]; explain?: boolean }) =>
    // the corpora without the Worker's limits, as the other children (1.2M lines is over the input cap)
    compile(structuredClone(configuration), { loadSource: async () => text, limits: NO_LIMITS, ...options });
}

/** Child for `--explain`: compiles with and without the explanation, alternating; CPU times of each. */
async function explainChild(): Promise<void> {
  const runs = Number(option("--runs"));
  const warmup = await corpusCompiler(option("--warmup-configuration")!);
  for (let done = 0; done < WARMUP_RUNS; done++) await warmup({ explain: done % 2 === 0 });
  const compileCorpus = await corpusCompiler(option("--configuration")!);
  const times: Record<"off" | "on", number[]> = { off: [], on: [] };
  for (let run = 0; run < runs * 2; run++) {
    const explain = run % 2 === 1;
    const before = process.cpuUsage();
    await compileCorpus({ explain });
    const cpu = process.cpuUsage(before);
    times[explain ? "on" : "off"].push((cpu.user + cpu.system) / 1000);
  }
  process.stdout.write(`${JSON.stringify(times)}\n`);
}

async function explainBench(sizes: number[], runs: string, rounds: number, withMemory: boolean): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "bloqr-bench-explain-"));
  console.log(
    `Explanation: ${TRANSFORMATIONS.join(", ")}; CPU time of a compile with explain off and on, ` +
      `medians of ${rounds} processes × ${runs} alternating runs; memory by heap-cap bisection.\n`,
  );
  try {
    const warmupConfiguration = writeCorpus(directory, WARMUP_LINES);
    const baseline = withMemory ? measureMemory(warmupConfiguration, warmupConfiguration) : null;
    for (const lines of sizes) {
      const configuration = writeCorpus(directory, lines);
      const times = timesOverRounds("--explain-child", configuration, warmupConfiguration, runs, rounds);
      const off = median(times.off);
      const on = median(times.on);
      console.log(
        `${lines.toLocaleString("en")} lines: time  explain off ${seconds(off)}, on ${seconds(on)} (×${(on / off).toFixed(2)})`,
      );
      if (!baseline) continue;
      const plain = measureMemory(configuration, warmupConfiguration);
      const explained = measureMemory(configuration, warmupConfiguration, ["--explain"]);
      if (!plain || !explained) throw new Error(`the memory child failed at ${lines} lines`);
      console.log(
        `${lines.toLocaleString("en")} lines: memory explain off ${memoryAboveBaseline(plain, baseline).toFixed(1)} MB, ` +
          `on ${memoryAboveBaseline(explained, baseline).toFixed(1)} MB above the baseline`,
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function formatsBench(sizes: number[], runs: string, rounds: number): Promise<void> {
  const memoryOption = option("--format-memory");
  const memoryFormats =
    memoryOption === "none" ? [] : ((memoryOption?.split(",") as OutputFormat[]) ?? DEFAULT_FORMAT_MEMORY);
  const directory = mkdtempSync(join(tmpdir(), "bloqr-bench-formats-"));
  const verdictOf = (share: number) => verdict(share <= TARGET_FORMAT_PASS_SHARE);
  const percent = (share: number) => `${share >= 0 ? "+" : ""}${(share * 100).toFixed(1)} %`;
  console.log(
    `Output formats: ${TRANSFORMATIONS.join(", ")}; each pass = CPU time of a compile in [adblock, format] − ` +
      `in adblock, medians of ${rounds} processes × ${runs} alternating runs. Target: ≤ ${TARGET_FORMAT_PASS_SHARE * 100} %.\n`,
  );
  const tables: FormatTable[] = [];
  try {
    const warmupConfiguration = writeCorpus(directory, WARMUP_LINES);
    const baseline = memoryFormats.length > 0 ? measureMemory(warmupConfiguration, warmupConfiguration) : null;
    for (const lines of sizes) {
      const configuration = writeCorpus(directory, lines);
      const times = timesOverRounds("--format-child", configuration, warmupConfiguration, runs, rounds);
      const compileMs = median(times.adblock);
      console.log(`${lines.toLocaleString("en")} lines: compile in adblock ${seconds(compileMs)} CPU`);
      const passes = new Map<string, FormatPass>();
      for (const [format, values] of Object.entries(times)) {
        if (format === "adblock") continue;
        const passMs = median(values) - compileMs;
        passes.set(format, { format, passMs, timeShare: passMs / compileMs });
        console.log(
          `  time     ${format.padEnd(12)} pass ${seconds(passMs)} = ${percent(passMs / compileMs)}: ` +
            `${verdictOf(passMs / compileMs)} ≤ ${TARGET_FORMAT_PASS_SHARE * 100} %`,
        );
      }
      let adblockMb: number | undefined;
      if (baseline && memoryFormats.length > 0) {
        const adblock = measureMemory(configuration, warmupConfiguration);
        if (!adblock) throw new Error(`the memory child failed at ${lines} lines`);
        adblockMb = memoryAboveBaseline(adblock, baseline);
        console.log(`  memory   compile in adblock: ${adblockMb.toFixed(1)} MB above the baseline`);
        for (const format of memoryFormats) {
          const memory = measureMemory(configuration, warmupConfiguration, ["--formats", format]);
          if (!memory) throw new Error(`the memory child failed at ${lines} lines in ${format}`);
          const memoryMb = memoryAboveBaseline(memory, baseline);
          const share = memoryMb / adblockMb - 1;
          const pass = passes.get(format);
          if (pass) Object.assign(pass, { memoryMb, memoryShare: share });
          console.log(
            `  memory   compile in ${format.padEnd(12)} ${memoryMb.toFixed(1)} MB = ` +
              `${percent(share)}: ${verdictOf(share)} ≤ ${TARGET_FORMAT_PASS_SHARE * 100} %`,
          );
        }
      }
      tables.push({ lines, compileMs, adblockMb, passes: [...passes.values()] });
    }
    printFormatTable(tables);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** What one format pass adds to a compile: its CPU time and, when measured, its memory. */
interface FormatPass {
  format: string;
  passMs: number;
  timeShare: number;
  memoryMb?: number;
  memoryShare?: number;
}

interface FormatTable {
  lines: number;
  compileMs: number;
  adblockMb?: number;
  passes: FormatPass[];
}

/** Every format side by side, time and memory, as docs/formats.md shows them. */
function printFormatTable(tables: FormatTable[]): void {
  const share = (value: number | undefined) =>
    value === undefined
      ? "–"
      : `${value >= 0 ? "+" : ""}${(value * 100).toFixed(0)} % ${value <= TARGET_FORMAT_PASS_SHARE ? "✓" : "✗"}`;
  // the compile beside each pass: both measured in the same processes, so the ratio is of this run
  console.log(
    "\n| corpus | format | compile in adblock (CPU) | pass (CPU) | time added | compile's memory | memory in the format | memory added |\n" +
      "|---|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const { lines, compileMs, adblockMb, passes } of tables) {
    const corpus = `${lines.toLocaleString("en")} lines`;
    const megabytes = (value: number | undefined) => (value === undefined ? "–" : `${value.toFixed(1)} MB`);
    for (const pass of passes) {
      console.log(
        `| ${corpus} | ${pass.format} | ${seconds(compileMs)} | ${seconds(pass.passMs)} | ${share(pass.timeShare)} | ` +
          `${megabytes(adblockMb)} | ${megabytes(pass.memoryMb)} | ${share(pass.memoryShare)} |`,
      );
    }
  }
  console.log(`(✓ within the issue's ${TARGET_FORMAT_PASS_SHARE * 100} %, ✗ over it)`);
}

/** Both command lines on one configuration, alternating, each run a fresh process as a user starts it. */
interface WholeProcess {
  lines: number;
  oursMs: number[];
  referenceMs: number[];
  sameOutput: boolean;
}

/** `npm run` puts node_modules/.bin first on PATH, so both CLIs' `env node` find the same Node. */
function runCli(executable: string, args: string[]): number {
  const started = performance.now();
  const child = spawnSync(executable, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`${executable} ${args.join(" ")} failed: ${child.stderr}`);
  return wallMs;
}

function measureWholeProcess(configuration: string, lines: number, rounds: number, directory: string): WholeProcess {
  const ourOutput = join(directory, "whole-ours.txt");
  const referenceOutput = join(directory, "whole-reference.txt");
  const result: WholeProcess = { lines, oursMs: [], referenceMs: [], sameOutput: false };
  for (let round = 0; round < rounds; round++) {
    result.oursMs.push(runCli(OUR_CLI, ["-c", configuration, "-o", ourOutput]));
    result.referenceMs.push(runCli(REFERENCE_CLI, ["-c", configuration, "-o", referenceOutput]));
  }
  result.sameOutput = outputHash(readFileSync(ourOutput, "utf8")) === outputHash(readFileSync(referenceOutput, "utf8"));
  return result;
}

interface Startup {
  /** `bloqr --metrics`' `startupMs`: from the process's start to its starting to read the configuration. */
  firstWorkMs: number[];
  firstWorkCpuMs: number[];
  /** From the process's start to the two-line list written: the whole of a tiny compile but Node's exit. */
  tinyCompileMs: number[];
  /** The same tiny compile from spawn to exit, as the shell sees it. */
  tinyProcessMs: number[];
  /** The same measures for a script of one line: Node's own start-up, the floor. */
  nodeMs: number[];
  nodeCpuMs: number[];
  nodeProcessMs: number[];
  /** The machine's 1-minute load average before and after (2 cores, shared). */
  load: [number, number];
  node: string;
}

/** Our start-up to first work, alternating with Node's own start-up to a one-line script's first line. */
function measureStartup(directory: string, runs: number, nodeFolder: string): Startup {
  // the folder first on PATH: `#!/usr/bin/env node` and \`node -e\` then both run that Node
  const env = { ...process.env, PATH: `${nodeFolder}${delimiter}${process.env.PATH}` };
  const list = join(directory, "startup.txt");
  writeFileSync(list, "||ads.example.com^\n0.0.0.0 tracker.example.net\n");
  const configuration = join(directory, "startup.json");
  writeFileSync(configuration, JSON.stringify({ name: "start-up", sources: [{ source: list }] }));
  const result: Startup = {
    firstWorkMs: [],
    firstWorkCpuMs: [],
    tinyCompileMs: [],
    tinyProcessMs: [],
    nodeMs: [],
    nodeCpuMs: [],
    nodeProcessMs: [],
    load: [loadavg()[0], 0],
    node: spawnSync("node", ["--version"], { encoding: "utf8", env }).stdout.trim(),
  };
  const timed = (command: string, args: string[]) => {
    const started = performance.now();
    const child = spawnSync(command, args, { encoding: "utf8", env });
    if (child.status !== 0) throw new Error(`${command} failed: ${child.stderr}`);
    return { stdout: child.stdout, ms: performance.now() - started };
  };
  // untimed: the first run after a build may write the code cache (see scripts/lib/code-cache.ts)
  timed(OUR_CLI, ["-c", configuration, "-o", join(directory, "startup-out.txt")]);
  for (let run = 0; run < runs; run++) {
    const ours = timed(OUR_CLI, ["-c", configuration, "-o", join(directory, "startup-out.txt"), "--metrics"]);
    const metrics = JSON.parse(ours.stdout);
    result.firstWorkMs.push(metrics.startupMs);
    result.firstWorkCpuMs.push(metrics.startupCpuMs);
    result.tinyCompileMs.push(metrics.totalMs);
    result.tinyProcessMs.push(ours.ms);
    const script =
      "const c = process.cpuUsage(); console.log(JSON.stringify([performance.now(), (c.user + c.system) / 1000]))";
    const node = timed("node", ["-e", script]);
    const [nodeMs, nodeCpuMs] = JSON.parse(node.stdout);
    result.nodeMs.push(nodeMs);
    result.nodeCpuMs.push(nodeCpuMs);
    result.nodeProcessMs.push(node.ms);
  }
  result.load[1] = loadavg()[0];
  return result;
}

/**
 * The Nodes the start-up is measured on: the one first on PATH (under `npm run`, the project's
 * Node 22 in node_modules/.bin, which `npx bloqr` also runs), and the machine's own, which an
 * installed `bloqr` runs from a shell, when it is another.
 */
function startupNodes(): string[] {
  const folders = (process.env.PATH ?? "").split(delimiter).filter((folder) => existsSync(join(folder, "node")));
  const machines = folders.find((folder) => !folder.endsWith(join("node_modules", ".bin")));
  return [...new Set([folders[0], machines].filter((folder) => folder !== undefined))];
}

/** Median and minimum, in milliseconds. */
function ms(values: number[]): string {
  return `${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)})`;
}

function printStartup(startup: Startup): void {
  const [wall, cpu] = [median(startup.firstWorkMs), median(startup.firstWorkCpuMs)];
  console.log(
    `  start-up    Node ${startup.node}, ${startup.firstWorkMs.length} runs alternating with Node alone, medians; ` +
      `load average ${startup.load.map((load) => load.toFixed(1)).join(" → ")} on ${availableParallelism()} cores`,
  );
  console.log(
    `              to first work (the process's start → reading the configuration): ${ms(startup.firstWorkMs)} wall, ` +
      `${cpu.toFixed(0)} ms CPU: ${verdict(wall <= TARGET_STARTUP_MS)} ≤ ${TARGET_STARTUP_MS} ms`,
  );
  const [nodeWall, nodeCpu] = [median(startup.nodeMs), median(startup.nodeCpuMs)];
  const more = (ms: number) => `${ms >= 0 ? "+" : "−"}${Math.abs(ms).toFixed(0)} ms`;
  console.log(
    `              Node alone to a one-line script's first line (\`node -e\`): ${ms(startup.nodeMs)} wall, ` +
      `${nodeCpu.toFixed(0)} ms CPU; ours above it: ${more(wall - nodeWall)} wall, ${more(cpu - nodeCpu)} CPU`,
  );
  console.log(
    `  tiny compile (two lines) from the process's start to the list written: ${ms(startup.tinyCompileMs)}; ` +
      `spawn to exit ${ms(startup.tinyProcessMs)}, \`node -e\` spawn to exit ${ms(startup.nodeProcessMs)}`,
  );
}

function printWholeProcess({ lines, oursMs, referenceMs, sameOutput }: WholeProcess, startups: Startup[]): void {
  const node = spawnSync("node", ["--version"], { encoding: "utf8" }).stdout.trim();
  console.log(
    `Whole process, ${lines.toLocaleString("en")} lines (\`${OUR_CLI} -c … -o …\` vs \`hostlist-compiler -c … -o …\`, ` +
      `Node ${node}, ${oursMs.length} alternating runs each, medians):`,
  );
  console.log(
    `  wall time   ours ${seconds(median(oursMs))} (${linesPerSecond(lines, median(oursMs))})   ` +
      `reference ${seconds(median(referenceMs))} (${linesPerSecond(lines, median(referenceMs))})   ` +
      `ratio ×${(median(referenceMs) / median(oursMs)).toFixed(1)}`,
  );
  console.log(`  output      ${sameOutput ? "identical to the reference's" : "DIFFERENT"}`);
  for (const startup of startups) printStartup(startup);
}

function requireBuiltCli(): void {
  if (!readFileSync(OUR_CLI, "utf8").startsWith("#!")) throw new Error(`${OUR_CLI} is not built`);
  const nodeOnPath = (process.env.PATH ?? "").split(delimiter)[0];
  if (!nodeOnPath.endsWith(join("node_modules", ".bin"))) {
    console.log("(not started through npm: the CLIs run on whichever `node` is first on PATH)\n");
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--memory-child")) return memoryChild();
  if (process.argv.includes("--format-child")) return formatChild();
  if (process.argv.includes("--explain-child")) return explainChild();
  if (process.argv.includes("--growth-child")) return growthChild();
  const child = option("--child") as Implementation | undefined;
  if (child) return timingChild(child);
  const bundleDirectory = mkdtempSync(join(tmpdir(), "bloqr-bench-compiler-"));
  try {
    compilerBundle = await bundleCompiler(bundleDirectory);
    console.log("Our compiler: an esbuild bundle of app/compiler built as the CLI's, as it ships (not tsx).\n");
    await parentMain();
  } finally {
    rmSync(bundleDirectory, { recursive: true, force: true });
  }
}

async function parentMain(): Promise<void> {
  if (process.argv.includes("--budget")) return measureBudget();

  const sizes = option("--lines")?.split(",").map(Number) ?? DEFAULT_LINES;
  const runs = option("--runs") ?? String(DEFAULT_RUNS);
  const rounds = Number(option("--rounds") ?? DEFAULT_ROUNDS);
  const referenceBudgetMs = Number(option("--reference-budget") ?? DEFAULT_REFERENCE_BUDGET_SECONDS) * 1000;
  const withMemory = !process.argv.includes("--no-memory");
  if (process.argv.includes("--formats")) return formatsBench(sizes, runs, rounds);
  if (process.argv.includes("--explain")) return explainBench(sizes, runs, rounds, withMemory);
  if (process.argv.includes("--memory-only")) {
    return memoryBench(sizes, Number(option("--memory-runs") ?? DEFAULT_MEMORY_RUNS));
  }
  const wholeProcessOnly = process.argv.includes("--whole-process");
  const startupRuns = Number(option("--startup-runs") ?? DEFAULT_STARTUP_RUNS);
  requireBuiltCli();
  if (process.argv.includes("--startup-only")) return startupBench(startupRuns);

  const directory = mkdtempSync(join(tmpdir(), "bloqr-bench-"));
  const rows: Row[] = [];
  const configurations: string[] = [];
  const growths: Growth[] = [];
  let wholeProcess: WholeProcess | undefined;
  let startup: Startup[] | undefined;
  const started = performance.now();
  try {
    const wholeProcessConfiguration = writeCorpus(directory, sizes[0]);
    wholeProcess = measureWholeProcess(wholeProcessConfiguration, sizes[0], rounds, directory);
    startup = startupNodes().map((folder) => measureStartup(directory, startupRuns, folder));
    printWholeProcess(wholeProcess, startup);
    if (!wholeProcess.sameOutput) process.exitCode = 1;
    if (wholeProcessOnly) return printTable([], wholeProcess, startup);
    console.log();
    const warmupConfiguration = writeCorpus(directory, WARMUP_LINES);
    const baseline = withMemory ? measureMemory(warmupConfiguration, warmupConfiguration) : null;
    console.log(
      `Configuration: ${TRANSFORMATIONS.join(", ")}. Each compiler in its own processes, ${rounds} rounds ` +
        `alternating with the other's, warmed up on a ${WARMUP_LINES}-line corpus; medians.\n`,
    );
    for (const lines of sizes) {
      const configuration = writeCorpus(directory, lines);
      configurations.push(configuration);
      const inputMb = readFileSync(JSON.parse(readFileSync(configuration, "utf8")).sources[0].source).length / MB;
      const measure = (implementation: Implementation, budgetMs: number) => {
        const result = runChild<TimingResult>(
          [],
          [
            "--child",
            implementation,
            "--configuration",
            configuration,
            "--warmup-configuration",
            warmupConfiguration,
            "--runs",
            implementation === "ours" ? runs : "1000",
            "--budget",
            String(budgetMs / 1000),
          ],
        );
        if (!result) throw new Error(`the ${implementation} timing child failed at ${lines} lines`);
        return result;
      };
      let ours: Timing | undefined;
      let reference: Timing | undefined;
      let referenceSpentMs = 0;
      for (let round = 0; round < rounds; round++) {
        ours = merge(ours, measure("ours", Number.POSITIVE_INFINITY));
        if (reference && referenceSpentMs >= referenceBudgetMs) continue;
        const result = measure("reference", referenceBudgetMs - referenceSpentMs);
        referenceSpentMs += result.runs.reduce((total, run) => total + run.wallMs, 0);
        reference = merge(reference, result);
      }
      const memory = withMemory ? measureMemory(configuration, warmupConfiguration) : null;
      const row: Row = { lines, inputMb, ours: ours!, reference: reference!, memory, baseline };
      rows.push(row);
      printRow(row);
    }
    for (let index = 1; index < sizes.length; index++) {
      const pair = [configurations[index - 1], configurations[index]];
      const merged: GrowthResult = { smallerMs: [], largerMs: [] };
      for (let round = 0; round < rounds; round++) {
        const result = runChild<GrowthResult>(
          [],
          [
            "--growth-child",
            "--configurations",
            pair.join(","),
            "--warmup-configuration",
            warmupConfiguration,
            "--pairs",
            runs,
          ],
        );
        if (!result) throw new Error("the growth child failed");
        merged.smallerMs.push(...result.smallerMs);
        merged.largerMs.push(...result.largerMs);
      }
      growths.push({ smaller: sizes[index - 1], larger: sizes[index], ...merged });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  printSummary(rows, growths);
  printTable(rows, wholeProcess!, startup!);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (!rows.every(sameOutput)) {
    console.error("outputs differ from the reference");
    process.exitCode = 1;
  }
}

function printRow({ lines, inputMb, ours, reference, memory, baseline }: Row): void {
  const ratio = wallMs(reference) / wallMs(ours);
  console.log(`${lines.toLocaleString("en")} lines (${inputMb.toFixed(1)} MB in, ${ours.outputLines} lines out):`);
  console.log(
    `  wall time   ours ${seconds(wallMs(ours))} (${linesPerSecond(lines, wallMs(ours))}, ${ours.runs.length} runs)` +
      `   reference ${seconds(wallMs(reference))} (${linesPerSecond(lines, wallMs(reference))}, ` +
      `${reference.runs.length} run${reference.runs.length === 1 ? "" : "s"})   ratio ×${ratio.toFixed(1)}`,
  );
  console.log(
    `  CPU time    ours ${seconds(cpuMs(ours))}   reference ${seconds(cpuMs(reference))}   ` +
      `ratio ×${(cpuMs(reference) / cpuMs(ours)).toFixed(1)}`,
  );
  console.log(`  peak RSS    ours ${ours.peakRssMb.toFixed(0)} MB   reference ${reference.peakRssMb.toFixed(0)} MB`);
  console.log(
    `  reading     ours' source file into a string, apart from its compile: ${median(ours.sourceReadMs).toFixed(0)} ms ` +
      `(the reference reads its own, inside its time)`,
  );
  if (memory && baseline) console.log(`  ours' need  ${memoryNeed(memory, baseline, inputMb)}`);
  console.log(`  output      ${sameOutput({ ours, reference }) ? "identical to the reference's" : "DIFFERENT"}`);
}

/** A corpus text of at most `bytes` bytes, cut at a line end. */
function corpusOfBytes(seed: number, bytes: number): string {
  const text = generateBenchmarkCorpus(new Random(seed), Math.ceil(bytes / 25));
  return text.substring(0, text.lastIndexOf("\n", bytes - 1) + 1);
}

/** Each way of using the whole compile budget, in its own directory; the configuration's path. */
function writeBudgetShapes(directory: string): { name: string; configuration: string }[] {
  const shapes: { name: string; configuration: object; files: Record<string, string> }[] = [];
  const sourceTransformations = { transformations: TRANSFORMATIONS };
  shapes.push({
    name: `one source of ${MAX_INPUT_BYTES / MB} MB`,
    configuration: { name: "Budget", sources: [{ source: "all.txt" }], ...sourceTransformations },
    files: { "all.txt": corpusOfBytes(1, MAX_INPUT_BYTES) },
  });
  shapes.push({
    name: `${MAX_SOURCES} sources naming one text of ${(MAX_INPUT_BYTES / MAX_SOURCES / MB).toFixed(2)} MB`,
    configuration: {
      name: "Budget",
      sources: Array.from({ length: MAX_SOURCES }, () => ({ source: "shared.txt" })),
      ...sourceTransformations,
    },
    files: { "shared.txt": corpusOfBytes(2, Math.floor(MAX_INPUT_BYTES / MAX_SOURCES)) },
  });
  // A text with directives is charged twice its bytes (it is split into strings): half the budget.
  const includeBytes = Math.floor(MAX_INPUT_BYTES / 2 / (MAX_INCLUDES + 1)) - 64;
  shapes.push({
    name: `${MAX_INCLUDES} includes of one file of ${(includeBytes / MB).toFixed(2)} MB`,
    configuration: { name: "Budget", sources: [{ source: "includes.txt" }], ...sourceTransformations },
    files: {
      "includes.txt": Array.from({ length: MAX_INCLUDES }, () => "!#include part.txt").join("\n"),
      "part.txt": corpusOfBytes(3, includeBytes),
    },
  });
  // The most lines, as short as they come, each made longer (`a.b` → `@@a.b`) and then sorted out.
  const shortLines = Array.from({ length: MAX_LINES - 1 }, (_, index) => `${index.toString(36)}.b`);
  shapes.push({
    name: `${MAX_LINES.toLocaleString("en")} short lines through InvertAllow, Deduplicate and Validate`,
    configuration: {
      name: "Budget",
      sources: [{ source: "short.txt" }],
      transformations: ["InvertAllow", "Deduplicate", "Validate"],
    },
    files: { "short.txt": `${shortLines.join("\n")}\n` },
  });
  // One hosts line naming as many hosts as Compress allows (each counts as 4 lines): a rule of each.
  const hosts = Array.from({ length: MAX_LINES / 4 - 16 }, (_, index) => `h${index.toString(36)}.example`);
  shapes.push({
    name: `one hosts line naming ${hosts.length.toLocaleString("en")} hosts, through Compress`,
    configuration: { name: "Budget", sources: [{ source: "hosts.txt" }], transformations: ["Compress"] },
    files: { "hosts.txt": `0.0.0.0 ${hosts.join(" ")}\n` },
  });
  return shapes.map((shape, index) => {
    const shapeDirectory = join(directory, `shape-${index}`);
    mkdirSync(shapeDirectory);
    const configuration = JSON.parse(JSON.stringify(shape.configuration));
    for (const level of [configuration, ...configuration.sources]) {
      if (level.source) level.source = join(shapeDirectory, level.source);
    }
    for (const [name, text] of Object.entries(shape.files)) writeFileSync(join(shapeDirectory, name), text);
    const path = join(shapeDirectory, "configuration.json");
    writeFileSync(path, JSON.stringify(configuration));
    return { name: shape.name, configuration: path };
  });
}

/**
 * `--memory-only`: the memory rows alone, each size bisected `runs` times over (to see how steady the
 * figure is), then what is live after each step of one compile at each size.
 */
async function memoryBench(sizes: number[], runs: number): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "bloqr-bench-"));
  const started = performance.now();
  try {
    const warmupConfiguration = writeCorpus(directory, WARMUP_LINES);
    const baseline = measureMemory(warmupConfiguration, warmupConfiguration);
    if (!baseline) throw new Error("the baseline did not complete");
    console.log(
      `Memory of ours; the baseline (Node with the compiler loaded): V8 heap cap ${baseline.heapCapMb} MB.\n`,
    );
    for (const lines of sizes) {
      const configuration = writeCorpus(directory, lines);
      const inputMb = readFileSync(JSON.parse(readFileSync(configuration, "utf8")).sources[0].source).length / MB;
      console.log(`${lines.toLocaleString("en")} lines (${inputMb.toFixed(1)} MB in):`);
      for (let run = 0; run < runs; run++) {
        const memory = measureMemory(configuration, warmupConfiguration);
        if (!memory) throw new Error(`the memory child failed at ${lines} lines`);
        const perInput = memoryAboveBaseline(memory, baseline) / inputMb;
        console.log(
          `  ${memoryNeed(memory, baseline, inputMb)}: ${verdict(perInput <= TARGET_MEMORY_PER_INPUT)} ≤ ` +
            `×${TARGET_MEMORY_PER_INPUT}`,
        );
      }
      const live = runChild<MemoryResult>(
        [`--max-heap-size=${HEAP_CAP_CEILING_MB}`, "--expose-gc"],
        [
          "--memory-child",
          "--live-steps",
          "--configuration",
          configuration,
          "--warmup-configuration",
          warmupConfiguration,
        ],
      );
      if (!live?.liveSteps) throw new Error(`the live-steps child failed at ${lines} lines`);
      console.log("  live after each step (collected; heap + typed arrays above the baseline, MB):");
      for (const step of live.liveSteps) {
        console.log(
          `    ${step.event.padEnd(28)} ${step.heapMb.toFixed(1).padStart(6)} + ${step.typedArraysMb.toFixed(1).padStart(5)}` +
            ` = ${(step.heapMb + step.typedArraysMb).toFixed(1).padStart(6)}`,
        );
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

/** `--budget`: each full-budget compile, within the Worker's limits, under the heap-cap bisection. */
async function measureBudget(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "bloqr-budget-"));
  let allFit = true;
  try {
    const warmupDirectory = join(directory, "warmup");
    mkdirSync(warmupDirectory);
    const warmupConfiguration = writeCorpus(warmupDirectory, WARMUP_LINES);
    const baseline = measureMemory(warmupConfiguration, warmupConfiguration);
    if (!baseline) throw new Error("the baseline did not complete");
    console.log(
      `Compile budget: ${MAX_INPUT_BYTES / MB} MB of input, ${MAX_LINES.toLocaleString("en")} lines, ` +
        `${MAX_SOURCES} sources, ${MAX_INCLUDES} includes, ` +
        `${MAX_OUTPUT_BYTES / MB} MB of output. Baseline (Node with the compiler loaded): ` +
        `V8 heap cap ${baseline.heapCapMb} MB.\n`,
    );
    for (const shape of writeBudgetShapes(directory)) {
      const memory = measureMemory(shape.configuration, warmupConfiguration, ["--worker-limits"]);
      if (!memory) {
        allFit = false;
        console.log(`  ${shape.name}: did not complete within ${HEAP_CAP_CEILING_MB} MB (or over the limits)`);
        continue;
      }
      const inAll = memoryInAll(memory, baseline);
      const fits = inAll <= BUDGET_TARGET_MB;
      allFit &&= fits;
      console.log(
        `  ${shape.name}: V8 heap cap ${memory.heapCapMb} MB + ` +
          `${(memory.result.peakExternalMb - memory.result.baselineExternalMb).toFixed(1)} MB of typed arrays = ` +
          `${inAll.toFixed(0)} MB in all: ${verdict(fits)} ≤ ${BUDGET_TARGET_MB} MB of a Worker's ${WORKER_MEMORY_MB} MB`,
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  if (!allFit) process.exitCode = 1;
}

/** One compile's memory as the rows print it. */
function memoryNeed(memory: Memory, baseline: Memory, inputMb: number): string {
  const { heapCapMb, result } = memory;
  const aboveBaseline = memoryAboveBaseline(memory, baseline);
  const typedArraysMb = result.peakExternalMb - result.baselineExternalMb;
  return (
    `V8 heap cap ${heapCapMb} MB (the baseline's ${baseline.heapCapMb} MB) + ` +
    `${typedArraysMb.toFixed(1)} MB of typed arrays: ${aboveBaseline.toFixed(1)} MB above the baseline = ` +
    `×${(aboveBaseline / inputMb).toFixed(2)} the input; ${memoryInAll(memory, baseline).toFixed(0)} MB in all ` +
    `(RSS at that cap: ${(result.peakRssMb - result.baselineRssMb).toFixed(0)} MB above its start)`
  );
}

const memoryAboveBaseline = ({ heapCapMb, result }: Memory, baseline: Memory) =>
  heapCapMb - baseline.heapCapMb + result.peakExternalMb - result.baselineExternalMb;
/** The cap, the compilation's typed arrays and Node's own (the memory child's file buffer left out). */
const memoryInAll = ({ heapCapMb, result }: Memory, baseline: Memory) =>
  heapCapMb + result.peakExternalMb - result.baselineExternalMb + baseline.result.baselineExternalMb;

interface Growth extends GrowthResult {
  smaller: number;
  larger: number;
}

function printSummary(rows: Row[], growths: Growth[]): void {
  console.log("\nTargets:");
  const first = rows[0];
  const ratio = wallMs(first.reference) / wallMs(first.ours);
  console.log(
    `  speed    ×${ratio.toFixed(1)} in wall time at ${first.lines.toLocaleString("en")} lines: ` +
      `${verdict(ratio >= TARGET_SPEEDUP)} ×${TARGET_SPEEDUP}`,
  );
  const oursLinesPerSecond = (first.lines / wallMs(first.ours)) * 1000;
  console.log(
    `  lines/s  ours ${linesPerSecond(first.lines, wallMs(first.ours))} in wall time ` +
      `(${linesPerSecond(first.lines, cpuMs(first.ours))} in CPU time), the reference ` +
      `${linesPerSecond(first.lines, wallMs(first.reference))}, at ${first.lines.toLocaleString("en")} lines: ` +
      `${verdict(oursLinesPerSecond >= TARGET_LINES_PER_SECOND)} ${TARGET_LINES_PER_SECOND.toLocaleString("en")}/s`,
  );
  for (const [index, { smaller, larger, smallerMs, largerMs }] of growths.entries()) {
    const [before, after] = [rows[index], rows[index + 1]];
    const inputGrowth = larger / smaller;
    const growth = median(largerMs) / median(smallerMs);
    const allowed = (TARGET_GROWTH_PER_4X / 4) * inputGrowth;
    console.log(
      `  linear   ${smaller.toLocaleString("en")} → ${larger.toLocaleString("en")} lines (×${inputGrowth.toFixed(1)}): ` +
        `ours' time ×${growth.toFixed(2)} (${seconds(median(smallerMs))} → ${seconds(median(largerMs))}, ` +
        `${smallerMs.length} pairs alternating in the same processes; timed apart: ` +
        `×${(wallMs(after.ours) / wallMs(before.ours)).toFixed(2)}), the reference's ` +
        `×${(wallMs(after.reference) / wallMs(before.reference)).toFixed(2)}: ` +
        `${verdict(growth <= allowed)} ≤ ×${allowed.toFixed(2)}`,
    );
  }
  for (const row of rows) {
    if (!row.memory || !row.baseline) continue;
    const perInput = memoryAboveBaseline(row.memory, row.baseline) / row.inputMb;
    console.log(
      `  memory   ${row.lines.toLocaleString("en")} lines: ×${perInput.toFixed(2)} the input above the baseline: ` +
        `${verdict(perInput <= TARGET_MEMORY_PER_INPUT)} ≤ ×${TARGET_MEMORY_PER_INPUT}; ` +
        `${memoryInAll(row.memory, row.baseline).toFixed(0)} MB in all: ` +
        `${verdict(memoryInAll(row.memory, row.baseline) <= WORKER_MEMORY_MB)} ` +
        `a Worker's ${WORKER_MEMORY_MB} MB`,
    );
  }
}

/** `--startup-only`: the start-up rows alone, in seconds. */
function startupBench(runs: number): void {
  const directory = mkdtempSync(join(tmpdir(), "bloqr-bench-"));
  try {
    console.log("Start-up of `bloqr` (dist/bloqr.cjs, as a user runs it):");
    for (const folder of startupNodes()) printStartup(measureStartup(directory, runs, folder));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The results as the Markdown table the README's "Performance" section shows. */
function printTable(rows: Row[], whole: WholeProcess, startups: Startup[]): void {
  const count = (lines: number) => lines.toLocaleString("en");
  const perSecond = (lines: number, ms: number) => count(Math.round((lines / ms) * 1000));
  const runs = (timing: Timing) => `${timing.runs.length} run${timing.runs.length === 1 ? "" : "s"}`;
  console.log("\n| what | ours | lines/s | reference | lines/s | ratio | peak RSS ours / reference |");
  console.log("|---|---|---|---|---|---|---|");
  for (const { lines, inputMb, ours, reference } of rows) {
    console.log(
      `| compile, ${count(lines)} lines (${inputMb.toFixed(1)} MB), warmed, source in memory | ${seconds(wallMs(ours))} (${runs(ours)}) | ` +
        `${perSecond(lines, wallMs(ours))} | ${seconds(wallMs(reference))} (${runs(reference)}) | ` +
        `${perSecond(lines, wallMs(reference))} | ×${(wallMs(reference) / wallMs(ours)).toFixed(1)} | ` +
        `${ours.peakRssMb.toFixed(0)} / ${reference.peakRssMb.toFixed(0)} MB |`,
    );
  }
  const [ours, reference] = [median(whole.oursMs), median(whole.referenceMs)];
  console.log(
    `| whole CLI process, ${count(whole.lines)} lines | ${seconds(ours)} (${whole.oursMs.length} runs) | ` +
      `${perSecond(whole.lines, ours)} | ${seconds(reference)} (${whole.referenceMs.length} runs) | ` +
      `${perSecond(whole.lines, reference)} | ×${(reference / ours).toFixed(1)} | – |`,
  );
  for (const startup of startups) {
    console.log(
      `| CLI start-up to first work, Node ${startup.node} (wall / CPU) | ${median(startup.firstWorkMs).toFixed(0)} / ` +
        `${median(startup.firstWorkCpuMs).toFixed(0)} ms | | Node alone: ${median(startup.nodeMs).toFixed(0)} / ` +
        `${median(startup.nodeCpuMs).toFixed(0)} ms | | | – |`,
    );
  }
}

/** Every run of ours gave one output, every run of the reference the same one. */
function sameOutput({ ours, reference }: Pick<Row, "ours" | "reference">): boolean {
  return ours.hashes.size === 1 && reference.hashes.size === 1 && [...ours.hashes][0] === [...reference.hashes][0];
}

await main();
