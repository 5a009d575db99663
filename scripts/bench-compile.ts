/**
 * `npm run bench` — our compiler against `@adguard/hostlist-compiler` on the same generated lists.
 * For each size it writes the lists to a temporary directory, then runs every compilation in a
 * fresh child process (so peak memory is that run's own) and prints times, the speed ratio, a
 * linearity check (our time per rule across sizes) and peak memory. Both outputs must be equal.
 * Stops by itself; Ctrl-C stops it and its children. The temporary directory is removed at the end.
 * Options: --sizes 10000,100000,500000  --runs 3 (ours; the reference runs once above 100k rules)
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Configuration, compile } from "../app/compiler";
import { generateBenchmarkList } from "../tests/unit/compiler/support/generator";
import { Random } from "../tests/unit/compiler/support/random";

const DEFAULT_SIZES = [10_000, 100_000, 500_000];
const DEFAULT_RUNS = 3;
/** The reference is quadratic on large lists; one run is enough to show it. */
const REFERENCE_SINGLE_RUN_ABOVE = 100_000;
/** Our time per rule may grow this much from one size to the next and still count as linear. */
const LINEARITY_TOLERANCE = 1.5;
/** The issue's goal: "ten times faster". */
const TARGET_SPEEDUP = 10;
const CHILD_TIMEOUT_MS = 30 * 60 * 1000;
const VOLATILE_HEADER_LINE = /^! (Last modified: |Compiled by )/;

type Implementation = "ours" | "reference";

interface RunResult {
  milliseconds: number;
  /** User + system CPU time of the compilation: steadier than wall time on a busy machine. */
  cpuMilliseconds: number;
  peakRssMb: number;
  outputHash: string;
  lineCount: number;
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Two sources (hosts-style and adblock-style), source-level cleanup, list-level dedup and exclusions. */
function benchmarkConfiguration(directory: string): Configuration {
  return {
    name: "Benchmark",
    description: "Generated lists",
    sources: [
      {
        name: "hosts",
        source: join(directory, "hosts.txt"),
        type: "hosts",
        transformations: ["RemoveComments", "Compress", "Validate"],
      },
      {
        name: "adblock",
        source: join(directory, "adblock.txt"),
        transformations: ["RemoveComments", "RemoveModifiers", "Validate"],
        exclusions: ["*##*"],
      },
    ],
    transformations: ["Deduplicate", "RemoveEmptyLines", "TrimLines", "InsertFinalNewLine"],
    exclusions: ["tracker17.", "*.banner42.*", "/^@@\\|\\|cdn[0-9]+\\./", "analytics999", "promo1234.ads"],
    exclusions_sources: [join(directory, "exclusions.txt")],
  };
}

function writeInputs(directory: string, size: number): string {
  writeFileSync(join(directory, "hosts.txt"), generateBenchmarkList(new Random(size), size / 2));
  writeFileSync(join(directory, "adblock.txt"), generateBenchmarkList(new Random(size + 1), size / 2));
  const exclusions = ["! exclusions", ...Array.from({ length: 50 }, (_, index) => `||stats${index * 97}.`)];
  writeFileSync(join(directory, "exclusions.txt"), `${exclusions.join("\n")}\n`);
  const configurationPath = join(directory, "configuration.json");
  writeFileSync(configurationPath, JSON.stringify(benchmarkConfiguration(directory)));
  return configurationPath;
}

/** Child mode: one compilation, then its result as one JSON line on stdout. */
async function runChild(implementation: Implementation, configurationPath: string): Promise<void> {
  const configuration = JSON.parse(readFileSync(configurationPath, "utf8")) as Configuration;
  let run: () => Promise<string[]>;
  if (implementation === "ours") {
    run = async () => (await compile(configuration, { loadSource: (path) => readFile(path, "utf8") })).lines;
  } else {
    const require = createRequire(import.meta.url);
    const referenceCompile: (configuration: unknown) => Promise<string[]> = require("@adguard/hostlist-compiler");
    require("consola").level = Number.NEGATIVE_INFINITY;
    run = () => referenceCompile(configuration);
  }
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const lines = await run();
  const milliseconds = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const comparable = lines.filter((line) => !VOLATILE_HEADER_LINE.test(line)).join("\n");
  const result: RunResult = {
    milliseconds,
    cpuMilliseconds: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    outputHash: createHash("sha256").update(comparable).digest("hex"),
    lineCount: lines.length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runInChild(implementation: Implementation, configurationPath: string): RunResult {
  const child = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      "--child",
      implementation,
      "--configuration",
      configurationPath,
    ],
    { encoding: "utf8", timeout: CHILD_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`${implementation} run failed: ${child.stderr || child.error}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as RunResult;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function bestOf(implementation: Implementation, configurationPath: string, runs: number) {
  const results = Array.from({ length: runs }, () => runInChild(implementation, configurationPath));
  return {
    milliseconds: median(results.map((result) => result.milliseconds)),
    cpuMilliseconds: median(results.map((result) => result.cpuMilliseconds)),
    peakRssMb: Math.max(...results.map((result) => result.peakRssMb)),
    outputHash: results[0].outputHash,
    lineCount: results[0].lineCount,
  };
}

const format = (value: number, digits = 0, width = 9) => value.toFixed(digits).padStart(width);

async function main(): Promise<void> {
  const childImplementation = option("--child") as Implementation | undefined;
  if (childImplementation) return runChild(childImplementation, option("--configuration")!);

  const sizes = option("--sizes")?.split(",").map(Number) ?? DEFAULT_SIZES;
  const runs = Number(option("--runs") ?? DEFAULT_RUNS);
  const directory = mkdtempSync(join(tmpdir(), "bloqr-bench-"));
  const rows: { size: number; ours: RunResult; reference: RunResult }[] = [];
  try {
    console.log(
      "  rules   ours ms    ref ms  ratio | ours cpu   ref cpu  ratio | ours MB  ref MB | ours µs/rule | same output",
    );
    for (const size of sizes) {
      const configurationPath = writeInputs(directory, size);
      const ours = bestOf("ours", configurationPath, runs);
      const reference = bestOf("reference", configurationPath, size > REFERENCE_SINGLE_RUN_ABOVE ? 1 : runs);
      rows.push({ size, ours, reference });
      const same = ours.outputHash === reference.outputHash ? "yes" : "NO";
      console.log(
        [
          `${String(size).padStart(7)} ${format(ours.milliseconds)} ${format(reference.milliseconds)} ` +
            `${format(reference.milliseconds / ours.milliseconds, 1, 6)}`,
          `${format(ours.cpuMilliseconds)} ${format(reference.cpuMilliseconds)} ` +
            `${format(reference.cpuMilliseconds / ours.cpuMilliseconds, 1, 6)}`,
          `${format(ours.peakRssMb, 0, 8)} ${format(reference.peakRssMb, 0, 7)}`,
          `${format((ours.cpuMilliseconds * 1000) / size, 2, 12)}`,
          `${same} (${ours.lineCount} lines)`,
        ].join(" |"),
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  const perRule = rows.map((row) => (row.ours.cpuMilliseconds * 1000) / row.size);
  const growth = Math.max(...perRule.slice(1).map((value, index) => value / perRule[index]));
  console.log(
    `\nlinearity: our CPU time per rule ${perRule.map((value) => `${value.toFixed(2)} µs`).join(" → ")}; ` +
      `largest growth between sizes ×${growth.toFixed(2)} ` +
      `(${growth <= LINEARITY_TOLERANCE ? "linear" : "NOT linear"}, tolerance ×${LINEARITY_TOLERANCE})`,
  );
  for (const row of rows) {
    const speedup = row.reference.milliseconds / row.ours.milliseconds;
    const verdict = speedup >= TARGET_SPEEDUP ? "meets" : "below";
    console.log(
      `speed at ${row.size} rules: ×${speedup.toFixed(1)} wall time (${verdict} the ×${TARGET_SPEEDUP} goal)`,
    );
  }
  if (rows.some((row) => row.ours.outputHash !== row.reference.outputHash)) {
    console.error("outputs differ from the reference");
    process.exitCode = 1;
  }
}

await main();
