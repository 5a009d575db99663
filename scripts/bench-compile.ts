/**
 * `npm run bench:compile` — our compiler against `@adguard/hostlist-compiler` (the reference) on the
 * same generated corpora, side by side in one run, as issue 7 describes it:
 *
 * - Corpora of about 300k and 1.2M lines (`generateBenchmarkCorpus`: mixed hosts and adblock rules,
 *   ~10 % duplicates, comments, invalid and blank lines; fixed seeds, so every run compiles the same
 *   text), one source each, compiled with Deduplicate, Validate, RemoveComments, Compress,
 *   TrimLines, RemoveEmptyLines and InsertFinalNewLine.
 * - Speed: every measurement runs in a child process that loads only one compiler and warms it up
 *   (untimed compilations of a 10k-line corpus: at least 5 and for at least a second), then times
 *   compilations in a row, in wall time and in CPU time. For each size the children alternate,
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
 *   failed from one run to the next (31–39 MB at 300k lines).
 *
 * Options: --lines 300000,1200000  --runs 5 (timed runs of ours per child)  --rounds 3
 *          --reference-budget 60 (seconds of reference wall time per size)  --no-memory
 * Takes about nine minutes, four to five of them the reference's one compilation of the 1.2M corpus.
 * The temporary directory is removed at the end.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateBenchmarkCorpus } from "../tests/unit/compiler/support/generator";
import { Random } from "../tests/unit/compiler/support/random";

const DEFAULT_LINES = [300_000, 1_200_000];
const WARMUP_LINES = 10_000;
const DEFAULT_RUNS = 5;
const DEFAULT_ROUNDS = 3;
const WARMUP_RUNS = 5;
const WARMUP_SECONDS = 1;
const DEFAULT_REFERENCE_BUDGET_SECONDS = 60;
const TRANSFORMATIONS = [
  "Deduplicate",
  "Validate",
  "RemoveComments",
  "Compress",
  "TrimLines",
  "RemoveEmptyLines",
  "InsertFinalNewLine",
];
/** The issues' targets (7: speed ratio, growth, memory; 19: lines per second at the first size). */
const TARGET_SPEEDUP = 10;
const TARGET_LINES_PER_SECOND = 1_500_000;
const TARGET_GROWTH_PER_4X = 4.4;
const TARGET_MEMORY_PER_INPUT = 2.5;
const WORKER_MEMORY_MB = 128;
/** The heap-cap bisection stops when the bounds are this close (MB). */
const HEAP_CAP_RESOLUTION_MB = 1;
const HEAP_CAP_CEILING_MB = 512;
const CHILD_TIMEOUT_MS = 30 * 60 * 1000;
/** A memory child that takes longer than this is thrashing at its cap: counted as not fitting. */
const MEMORY_CHILD_TIMEOUT_MS = 3 * 60 * 1000;
const VOLATILE_HEADER_LINE = /^! (Last modified: |Compiled by )/;
const MB = 2 ** 20;

type Implementation = "ours" | "reference";
type Compiler = () => Promise<string>;

interface TimedRun {
  wallMs: number;
  cpuMs: number;
}

interface TimingResult {
  runs: TimedRun[];
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

/** Loads one compiler bound to a configuration file; only that compiler's modules are imported. */
async function loadCompiler(implementation: Implementation, configurationPath: string): Promise<Compiler> {
  const configuration = JSON.parse(readFileSync(configurationPath, "utf8"));
  if (implementation === "ours") {
    const { compile } = await import("../app/compiler");
    const loadSource = (path: string) => readFile(path, "utf8");
    return async () => (await compile(structuredClone(configuration), { loadSource })).text;
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
  const result: TimingResult = { runs: [], outputHash: "", outputLines: 0, peakRssMb: 0 };
  let spentMs = 0;
  while (result.runs.length < runs && (result.runs.length === 0 || spentMs < budgetMs)) {
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
  // The file is read before the baseline: Node's `readFile` buffers it in chunks and copies them,
  // garbage that would count against the heap cap although the compiler never sees it. The bytes
  // are in the baseline and in every later sample alike; the text is made from them inside the
  // compilation, so the text counts.
  const configuration = JSON.parse(readFileSync(option("--configuration")!, "utf8"));
  const bytes = readFileSync(configuration.sources[0].source);
  const { compile } = await import("../app/compiler");
  collect();
  collect();
  const baseline = process.memoryUsage();
  const baselineRss = procStatusMb("VmRSS");
  peakExternal = 0;
  writeFileSync("/proc/self/clear_refs", "5"); // peak RSS from now on
  await compile(configuration, { loadSource: async () => bytes.toString("utf8") });
  const result: MemoryResult = {
    baselineHeapMb: baseline.heapUsed / MB,
    baselineExternalMb: baseline.arrayBuffers / MB,
    peakExternalMb: peakExternal / MB,
    baselineRssMb: baselineRss,
    peakRssMb: procStatusMb("VmHWM"),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Calls `sample` after every typed array the compiler makes. Memory outside V8's heap (our line
 * indexes, hash tables and output buffer) only grows when one is made, so sampling then catches
 * its peak exactly, freed-but-not-yet-collected arrays included.
 */
function countTypedArrays(sample: () => void): void {
  const constructors = globalThis as unknown as Record<"Uint8Array" | "Int32Array", typeof Uint8Array>;
  for (const name of ["Uint8Array", "Int32Array"] as const) {
    const Original = constructors[name];
    constructors[name] = class extends Original {
      // biome-ignore lint/suspicious/noExplicitAny: forwards every constructor signature
      constructor(...args: any[]) {
        super(...(args as []));
        sample();
      }
    };
  }
}

function runChild<T>(nodeOptions: string[], args: string[], timeoutMs = CHILD_TIMEOUT_MS): T | null {
  const child = spawnSync(
    process.execPath,
    [...nodeOptions, "--import", "tsx", fileURLToPath(import.meta.url), ...args],
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
  hashes: Set<string>;
  outputLines: number;
  peakRssMb: number;
}

function merge(timing: Timing | undefined, result: TimingResult): Timing {
  if (!timing) return { ...result, runs: [...result.runs], hashes: new Set([result.outputHash]) };
  timing.runs.push(...result.runs);
  timing.hashes.add(result.outputHash);
  timing.peakRssMb = Math.max(timing.peakRssMb, result.peakRssMb);
  return timing;
}

/** What our compiler needs at one size: the smallest heap cap it completes in, and its typed arrays. */
interface Memory {
  heapCapMb: number;
  result: MemoryResult;
}

function measureMemory(configuration: string, warmupConfiguration: string): Memory | null {
  const attempt = (capMb: number) =>
    runChild<MemoryResult>(
      [`--max-heap-size=${capMb}`, "--single-threaded-gc", "--expose-gc"],
      ["--memory-child", "--configuration", configuration, "--warmup-configuration", warmupConfiguration],
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

async function main(): Promise<void> {
  if (process.argv.includes("--memory-child")) return memoryChild();
  if (process.argv.includes("--growth-child")) return growthChild();
  const child = option("--child") as Implementation | undefined;
  if (child) return timingChild(child);

  const sizes = option("--lines")?.split(",").map(Number) ?? DEFAULT_LINES;
  const runs = option("--runs") ?? String(DEFAULT_RUNS);
  const rounds = Number(option("--rounds") ?? DEFAULT_ROUNDS);
  const referenceBudgetMs = Number(option("--reference-budget") ?? DEFAULT_REFERENCE_BUDGET_SECONDS) * 1000;
  const withMemory = !process.argv.includes("--no-memory");

  const directory = mkdtempSync(join(tmpdir(), "bloqr-bench-"));
  const rows: Row[] = [];
  const configurations: string[] = [];
  const growths: Growth[] = [];
  const started = performance.now();
  try {
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
  if (memory && baseline) {
    const { heapCapMb, result } = memory;
    const aboveBaseline = memoryAboveBaseline(memory, baseline);
    const typedArraysMb = result.peakExternalMb - result.baselineExternalMb;
    console.log(
      `  ours' need  V8 heap cap ${heapCapMb} MB (the baseline's ${baseline.heapCapMb} MB) + ` +
        `${typedArraysMb.toFixed(1)} MB of typed arrays: ${aboveBaseline.toFixed(1)} MB above the baseline = ` +
        `×${(aboveBaseline / inputMb).toFixed(2)} the input; ${memoryInAll(memory, baseline).toFixed(0)} MB in all ` +
        `(RSS at that cap: ${(result.peakRssMb - result.baselineRssMb).toFixed(0)} MB above its start)`,
    );
  }
  console.log(`  output      ${sameOutput({ ours, reference }) ? "identical to the reference's" : "DIFFERENT"}`);
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

/** Every run of ours gave one output, every run of the reference the same one. */
function sameOutput({ ours, reference }: Pick<Row, "ours" | "reference">): boolean {
  return ours.hashes.size === 1 && reference.hashes.size === 1 && [...ours.hashes][0] === [...reference.hashes][0];
}

await main();
