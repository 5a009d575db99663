import {
  type Configuration,
  type FilteringConfiguration,
  parseConfiguration,
  type TransformationName,
} from "./configuration";
import type { CompileEvent, CompileMetrics, SourceMetrics, StepMetrics, StepName, StepScope } from "./events";
import { applyExclusions, applyInclusions, loadPatterns } from "./exclusions";
import { listHeader, sourceHeader } from "./header";
import { LineList } from "./line-list";
import { isBlankRange, isCommentRange } from "./rule";
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

/** Changes the list in place (see `LineList`) and returns it. */
type Transformation = (lines: LineList) => LineList;

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
  /**
   * The list, header included, as the reference returns it: `text` split on `\n`, made on first
   * use (a million lines as strings take three times the memory of the text).
   */
  readonly lines: string[];
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
  const loadPatternLines = async (source: string) => (await loadLines(source)).toArray();

  const runPipeline = async (
    input: LineList,
    filtering: FilteringConfiguration,
    scope: StepScope,
    sourceIndex?: number,
  ): Promise<LineList> => {
    let lines = input;
    const record = (name: StepName, transform: Transformation) => {
      const linesBefore = lines.length;
      lines = transform(lines);
      const step: StepMetrics = { scope, sourceIndex, name, linesBefore, linesAfter: lines.length };
      steps.push(step);
      emit({ type: "transformation", ...step });
    };
    const exclusions = await loadPatterns(filtering.exclusions, filtering.exclusions_sources, loadPatternLines);
    signal?.throwIfAborted();
    if (exclusions) record("Exclusions", (list) => applyExclusions(list, exclusions));
    const inclusions = await loadPatterns(filtering.inclusions, filtering.inclusions_sources, loadPatternLines);
    signal?.throwIfAborted();
    if (inclusions) record("Inclusions", (list) => applyInclusions(list, inclusions));
    const enabled = new Set(filtering.transformations ?? []);
    for (const [name, transform] of TRANSFORMATION_ORDER) {
      if (!enabled.has(name)) continue;
      signal?.throwIfAborted();
      record(name, transform);
    }
    return lines;
  };

  let list: LineList | null = null;
  for (const [sourceIndex, source] of configuration.sources.entries()) {
    signal?.throwIfAborted();
    emit({ type: "source_start", sourceIndex, source: source.source, name: source.name });
    const loaded = await loadLines(source.source);
    const linesLoaded = loaded.length;
    signal?.throwIfAborted();
    const lines = await runPipeline(loaded, source, "source", sourceIndex);
    const metrics: SourceMetrics = { sourceIndex, source: source.source, linesLoaded, linesKept: lines.length };
    sources.push(metrics);
    emit({ type: "source_done", ...metrics });
    // The first source's lines become the list, so its index of lines is not copied.
    if (list === null) {
      lines.prepend(sourceHeader(source));
      list = lines;
    } else {
      for (const line of sourceHeader(source)) list.push(line);
      list.append(lines);
    }
  }

  const body = await runPipeline(list!, configuration, "list");
  signal?.throwIfAborted();
  const lastModified = (options.now ?? (() => new Date()))();
  const header = listHeader(configuration, lastModified, options.compilerVersion ?? DEFAULT_COMPILER_VERSION);
  const lineCount = header.length + body.length;
  const ruleCount = countRules(LineList.fromArray(header)) + countRules(body);
  emit({ type: "done", lineCount, ruleCount });
  const bodyLength = body.length;
  const bodyText = body.takeText();
  const text = bodyLength === 0 ? header.join("\n") : `${header.join("\n")}\n${bodyText}`;
  let lines: string[] | undefined;
  return {
    get lines() {
      lines ??= text.split("\n");
      return lines;
    },
    text,
    ruleCount,
    metrics: {
      sources,
      steps,
      linesLoaded: sources.reduce((total, source) => total + source.linesLoaded, 0),
      lineCount,
      ruleCount,
    },
  };
}

function countRules(lines: LineList): number {
  let count = 0;
  for (let index = 0; index < lines.length; index++) {
    const text = lines.textOf(index);
    const start = lines.startOf(index);
    const end = lines.endOf(index);
    if (!isBlankRange(text, start, end) && !isCommentRange(text, start, end)) count++;
  }
  return count;
}
