import {
  type Configuration,
  type FilteringConfiguration,
  parseConfiguration,
  type TransformationName,
} from "./configuration";
import type { CompileEvent, CompileMetrics, SourceMetrics, StepMetrics, StepName, StepScope } from "./events";
import { applyExclusions, applyInclusions, loadPatterns } from "./exclusions";
import { listHeader, sourceHeader } from "./header";
import { isComment } from "./rule";
import { type LoadSource, loadSourceLines } from "./source-lines";
import { compress } from "./transformations/compress";
import { convertToAscii } from "./transformations/convert-to-ascii";
import { deduplicate } from "./transformations/deduplicate";
import { insertFinalNewLine } from "./transformations/insert-final-new-line";
import { invertAllow } from "./transformations/invert-allow";
import { removeComments } from "./transformations/remove-comments";
import { removeEmptyLines } from "./transformations/remove-empty-lines";
import { removeModifiers } from "./transformations/remove-modifiers";
import { trimLines } from "./transformations/trim-lines";
import { validate } from "./transformations/validate";
import { validateAllowIp } from "./transformations/validate-allow-ip";
import { validateAllowIpAndPublicSuffix } from "./transformations/validate-allow-ip-and-public-suffix";
import { validateAllowPublicSuffix } from "./transformations/validate-allow-public-suffix";

type Transformation = (lines: readonly string[]) => string[];

/**
 * The order transformations run in, whatever order the configuration lists them in. Exclusions and
 * then inclusions come before all of them. Each source goes through this pipeline with its own
 * settings, then the concatenated list goes through it with the top-level settings.
 */
export const TRANSFORMATION_ORDER: readonly (readonly [TransformationName, Transformation])[] = [
  ["ConvertToAscii", convertToAscii],
  ["TrimLines", trimLines],
  ["RemoveComments", removeComments],
  ["Compress", compress],
  ["RemoveModifiers", removeModifiers],
  ["InvertAllow", invertAllow],
  ["Validate", validate],
  ["ValidateAllowIp", validateAllowIp],
  ["ValidateAllowPublicSuffix", validateAllowPublicSuffix],
  ["ValidateAllowIpAndPublicSuffix", validateAllowIpAndPublicSuffix],
  ["Deduplicate", deduplicate],
  ["RemoveEmptyLines", removeEmptyLines],
  ["InsertFinalNewLine", insertFinalNewLine],
];

export const DEFAULT_COMPILER_VERSION = "0.0.0";

export interface CompileOptions {
  /** Returns a source's text: the only I/O, so the caller decides what a source may be. */
  loadSource: LoadSource;
  onEvent?: (event: CompileEvent) => void;
  /** Checked between steps; an abort rejects with the signal's reason. */
  signal?: AbortSignal;
  /** For the `! Last modified:` header line. */
  now?: () => Date;
  /** For the `! Compiled by Bloqr v…` header line. */
  compilerVersion?: string;
}

export interface CompileResult {
  /** The list, header included, as the reference returns it. */
  lines: string[];
  /**
   * `lines.join("\n")` — exactly the file the reference's CLI writes: it ends with a newline only
   * when the last line is empty, which is what `InsertFinalNewLine` arranges.
   */
  text: string;
  /** Lines that are neither blank nor comments. */
  ruleCount: number;
  metrics: CompileMetrics;
}

/**
 * Compiles a filter list. The configuration is checked again (it is cheap), so one stored before a
 * format change fails with a `ConfigurationError` rather than somewhere in the middle.
 */
export async function compile(input: Configuration, options: CompileOptions): Promise<CompileResult> {
  const configuration = parseConfiguration(input);
  const { loadSource, signal } = options;
  const emit = options.onEvent ?? (() => {});
  const steps: StepMetrics[] = [];
  const sources: SourceMetrics[] = [];
  const loadLines = (source: string) => loadSourceLines(source, loadSource, signal);

  const runPipeline = async (
    input: string[],
    filtering: FilteringConfiguration,
    scope: StepScope,
    sourceIndex?: number,
  ): Promise<string[]> => {
    let lines = input;
    const record = (name: StepName, next: string[]) => {
      const step: StepMetrics = { scope, sourceIndex, name, linesBefore: lines.length, linesAfter: next.length };
      steps.push(step);
      emit({ type: "transformation", ...step });
      lines = next;
    };
    const exclusions = await loadPatterns(filtering.exclusions, filtering.exclusions_sources, loadLines);
    signal?.throwIfAborted();
    if (exclusions) record("Exclusions", applyExclusions(lines, exclusions));
    const inclusions = await loadPatterns(filtering.inclusions, filtering.inclusions_sources, loadLines);
    signal?.throwIfAborted();
    if (inclusions) record("Inclusions", applyInclusions(lines, inclusions));
    const enabled = new Set(filtering.transformations ?? []);
    for (const [name, transform] of TRANSFORMATION_ORDER) {
      if (!enabled.has(name)) continue;
      signal?.throwIfAborted();
      record(name, transform(lines));
    }
    return lines;
  };

  const list: string[] = [];
  for (const [sourceIndex, source] of configuration.sources.entries()) {
    signal?.throwIfAborted();
    emit({ type: "source_start", sourceIndex, source: source.source, name: source.name });
    const loaded = await loadLines(source.source);
    signal?.throwIfAborted();
    const lines = await runPipeline(loaded, source, "source", sourceIndex);
    const metrics: SourceMetrics = {
      sourceIndex,
      source: source.source,
      linesLoaded: loaded.length,
      linesKept: lines.length,
    };
    sources.push(metrics);
    emit({ type: "source_done", ...metrics });
    for (const line of sourceHeader(source)) list.push(line);
    for (const line of lines) list.push(line);
  }

  const body = await runPipeline(list, configuration, "list");
  signal?.throwIfAborted();
  const lastModified = (options.now ?? (() => new Date()))();
  const lines = listHeader(configuration, lastModified, options.compilerVersion ?? DEFAULT_COMPILER_VERSION);
  for (const line of body) lines.push(line);
  const ruleCount = countRules(lines);
  emit({ type: "done", lineCount: lines.length, ruleCount });
  return {
    lines,
    text: lines.join("\n"),
    ruleCount,
    metrics: {
      sources,
      steps,
      linesLoaded: sources.reduce((total, source) => total + source.linesLoaded, 0),
      lineCount: lines.length,
      ruleCount,
    },
  };
}

function countRules(lines: readonly string[]): number {
  let count = 0;
  for (const line of lines) {
    if (line.trim() !== "" && !isComment(line)) count++;
  }
  return count;
}
