import { CompileBudget, type CompileLimits } from "./budget";
import {
  type Configuration,
  type FilteringConfiguration,
  parseConfiguration,
  type TransformationName,
  VALIDATION_TRANSFORMATIONS,
} from "./configuration";
import type { CompileEvent, CompileMetrics, SourceMetrics, StepMetrics, StepName, StepScope } from "./events";
import { applyExclusions, applyInclusions, loadPatterns } from "./exclusions";
import type { ExplainedCompile, StepObserver } from "./explain";
import { DEFAULT_OUTPUT_FORMAT, type FormatOutput, type OutputFormat, writeFormats } from "./formats";
import { adblockReport } from "./formats/adblock";
import type { FormatReport } from "./formats/report";
import { listHeader, sourceHeader } from "./header";
import { LineList } from "./line-list";
import { listBytes } from "./list-bytes";
import { countRules } from "./rule";
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

/**
 * Changes the list in place (see `LineList`) and returns it; tells `observer`, when there is one,
 * what it removed and why (an explained compile).
 */
type Transformation = (lines: LineList, observer?: StepObserver) => LineList;

/**
 * The order transformations run in, whatever order the configuration lists them in. Exclusions and
 * then inclusions come before all of them. Each source goes through this pipeline with its own
 * settings, then the concatenated list goes through it with the top-level settings.
 */
export const TRANSFORMATION_ORDER: readonly TransformationName[] = [
  "ConvertToAscii",
  "TrimLines",
  "RemoveComments",
  "Compress",
  "RemoveModifiers",
  "InvertAllow",
  "Validate",
  "ValidateAllowIp",
  "ValidateAllowPublicSuffix",
  "ValidateAllowIpAndPublicSuffix",
  "Deduplicate",
  "RemoveEmptyLines",
  "InsertFinalNewLine",
];

type Transformations = Partial<Record<TransformationName, Transformation>>;

const TRANSFORMATIONS: Transformations = {
  ConvertToAscii: convertToAscii,
  TrimLines: trimLines,
  RemoveComments: removeComments,
  Compress: compress,
  RemoveModifiers: removeModifiers,
  InvertAllow: invertAllow,
  Deduplicate: deduplicate,
  RemoveEmptyLines: removeEmptyLines,
  InsertFinalNewLine: insertFinalNewLine,
};

/**
 * The transformations a configuration names. The validations are imported only by a compile that
 * runs one: they read tldts' public-suffix trie, whose evaluation (~30 ms) was a third of the
 * CLI's start-up.
 */
async function transformationsOf(configuration: Configuration): Promise<Transformations> {
  const named = [configuration, ...configuration.sources].flatMap((level) => level.transformations ?? []);
  if (!named.some((name) => VALIDATION_TRANSFORMATIONS.includes(name))) return TRANSFORMATIONS;
  const validations = await import("./transformations/validations");
  return {
    ...TRANSFORMATIONS,
    Validate: validations.validate,
    ValidateAllowIp: validations.validateAllowIp,
    ValidateAllowPublicSuffix: validations.validateAllowPublicSuffix,
    ValidateAllowIpAndPublicSuffix: validations.validateAllowIpAndPublicSuffix,
  };
}

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
  /** What the compile may use (see `budget.ts`); a Worker's limits unless the caller says otherwise. */
  limits?: Readonly<CompileLimits>;
  /** The formats to write the list in (see `formats/`); `text` is the first. Default: adblock. */
  formats?: readonly OutputFormat[];
  /**
   * Explain the compile: per step, what was removed and why, and warnings (see `explain.ts`).
   * Off, the steps run exactly as they do without it.
   */
  explain?: boolean;
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
  readonly text: string;
  /** Lines that are neither blank nor comments. */
  ruleCount: number;
  metrics: CompileMetrics;
  /** The list in each requested format, in the order asked; `text` is the first one's. */
  outputs: FormatOutput[];
  /** With `explain`: the explanation and the trace of removed and changed rules. */
  explained?: ExplainedCompile;
}

/**
 * Compiles a filter list. A configuration the schema did not produce (a stored job, a literal) is
 * checked first, so one stored before a format change fails with a `ConfigurationError` rather than
 * somewhere in the middle; one it did produce is not parsed again. A compile
 * over one of the caps of `budget.ts` fails with a `CompileTooLargeError` before it builds
 * anything from the text that broke the cap.
 */
export async function compile(input: Configuration, options: CompileOptions): Promise<CompileResult> {
  const compiled = await compileList(input, options);
  const { configuration, body, header, ruleCount, budget } = compiled;
  const formats = options.formats?.length ? options.formats : [DEFAULT_OUTPUT_FORMAT];
  const outputs = writeFormats(body, formats, {
    configuration,
    lastModified: compiled.lastModified,
    compilerVersion: options.compilerVersion ?? DEFAULT_COMPILER_VERSION,
    header,
    ruleCount,
    // Deduplicate runs after every step that changes a rule, so the list's rules are unique then
    rulesUnique: configuration.transformations?.includes("Deduplicate") === true,
  });
  // Other formats can be larger (an RPZ zone is about twice its adblock list): each is held to the
  // same cap. The adblock output was checked before it was made (`compileList`).
  for (const output of outputs) {
    if (output.format !== "adblock") budget.check("output_bytes", output.byteLength, `${output.byteLength} bytes`);
  }
  // The adblock output is the compiled list itself: `done` describes it.
  for (const output of outputs) if (output.format !== "adblock") compiled.emit({ type: "format", ...output.report });
  compiled.emit({ type: "done", lineCount: compiled.lineCount, ruleCount });
  let lines: string[] | undefined;
  return {
    get lines() {
      lines ??= outputs[0].text.split("\n");
      return lines;
    },
    // read when asked for: a converted format's text is decoded from its bytes (`FormatOutput.text`)
    get text() {
      return outputs[0].text;
    },
    ruleCount,
    outputs,
    explained: compiled.explained,
    metrics: compiled.metrics(outputs.map((output) => output.report)),
  };
}

export interface CompileBytesResult extends Pick<CompileResult, "ruleCount" | "metrics" | "explained"> {
  /**
   * The adblock list — `CompileResult.text`, byte for byte — as UTF-8 in blocks made as they are
   * read. Reading it empties the compiled list: it can be read once.
   */
  bytes: Iterable<Uint8Array>;
}

/**
 * `compile` for the adblock format only, without the text: its bytes are written block by block
 * as the caller reads them, so the list is never held as one string (a million-line list is
 * 25 MB of text, and then as much again as the bytes a store is given).
 */
export async function compileToBytes(
  input: Configuration,
  options: Omit<CompileOptions, "formats">,
): Promise<CompileBytesResult> {
  const compiled = await compileList(input, options);
  const { body, header, ruleCount } = compiled;
  compiled.emit({ type: "done", lineCount: compiled.lineCount, ruleCount });
  return {
    bytes: listBytes(header, body),
    ruleCount,
    explained: compiled.explained,
    metrics: compiled.metrics([adblockReport(ruleCount)]),
  };
}

/**
 * The compile up to the output: every source loaded and transformed, the list-level pipeline run,
 * the header made and the adblock output's size checked against the budget.
 */
async function compileList(input: Configuration, options: Omit<CompileOptions, "formats">) {
  const configuration = parseConfiguration(input);
  const { signal } = options;
  const budget = new CompileBudget(options.limits);
  budget.checkDeclared(configuration);
  const transformations = await transformationsOf(configuration);
  // Every text is charged at each use: a source, an included file, a patterns file.
  const loadSource: LoadSource = async (source, sourceSignal) => {
    const text = await options.loadSource(source, sourceSignal);
    budget.chargeText(text, source);
    return text;
  };
  const emit = options.onEvent ?? (() => {});
  const steps: StepMetrics[] = [];
  const sources: SourceMetrics[] = [];
  const loadLines = (source: string) => loadSourceLines(source, loadSource, budget, signal);
  const loadPatternLines = async (source: string) => (await loadLines(source)).toArray();
  // imported when asked for: it reads tldts, whose public-suffix trie is slow to load (see `transformationsOf`)
  const explainer = options.explain ? new (await import("./explain")).Explainer(configuration.sources.length) : null;

  const runPipeline = async (
    input: LineList,
    filtering: FilteringConfiguration,
    scope: StepScope,
    sourceIndex?: number,
  ): Promise<LineList> => {
    let lines = input;
    const record = (name: StepName, transform: Transformation) => {
      const linesBefore = lines.length;
      lines = transform(lines, explainer?.step(scope, sourceIndex, name, linesBefore));
      lines.releaseUnusedTexts();
      const step: StepMetrics = { scope, sourceIndex, name, linesBefore, linesAfter: lines.length };
      steps.push(step);
      emit({ type: "transformation", ...step });
      if (explainer) emit({ type: "step_explained", ...explainer.stepDone(lines.length) });
    };
    const exclusions = await loadPatterns(filtering.exclusions, filtering.exclusions_sources, loadPatternLines, budget);
    signal?.throwIfAborted();
    if (exclusions) record("Exclusions", (list, observer) => applyExclusions(list, exclusions, observer));
    const inclusions = await loadPatterns(filtering.inclusions, filtering.inclusions_sources, loadPatternLines, budget);
    signal?.throwIfAborted();
    if (inclusions) record("Inclusions", (list, observer) => applyInclusions(list, inclusions, observer));
    const enabled = new Set(filtering.transformations ?? []);
    for (const name of TRANSFORMATION_ORDER) {
      if (!enabled.has(name)) continue;
      signal?.throwIfAborted();
      record(name, transformations[name]!);
    }
    return lines;
  };

  let list: LineList | null = null;
  for (const [sourceIndex, source] of configuration.sources.entries()) {
    signal?.throwIfAborted();
    emit({ type: "source_start", sourceIndex, source: source.source, name: source.name });
    const loaded = await loadLines(source.source);
    loaded.maxLines = budget.limits.lines;
    const linesLoaded = loaded.length;
    explainer?.sourceLoaded(sourceIndex, source.source, source.name, loaded);
    signal?.throwIfAborted();
    const lines = await runPipeline(loaded, source, "source", sourceIndex);
    const header = sourceHeader(source);
    const metrics: SourceMetrics = {
      sourceIndex,
      source: source.source,
      linesLoaded,
      linesKept: lines.length,
      headerLines: header.length,
    };
    sources.push(metrics);
    emit({ type: "source_done", ...metrics });
    explainer?.sourceDone(sourceIndex, lines.length, header);
    // The first source's lines become the list, so its index of lines is not copied.
    if (list === null) {
      lines.prepend(header);
      list = lines;
    } else {
      for (const line of header) list.push(line);
      list.append(lines);
    }
  }

  const body = await runPipeline(list!, configuration, "list");
  signal?.throwIfAborted();
  // before the formats are written: writing the text empties the list
  const explained = explainer?.finish(body);
  if (explained) emit({ type: "explanation", explanation: explained.explanation });
  const lastModified = (options.now ?? (() => new Date()))();
  const header = listHeader(configuration, lastModified, options.compilerVersion ?? DEFAULT_COMPILER_VERSION);
  const lineCount = header.length + body.length;
  const ruleCount = countRules(LineList.fromArray(header)) + countRules(body);
  // The adblock output is the header and the body; refuse it before any format's text is built.
  const adblockBytes = header.join("\n").length + 1 + textLength(body);
  budget.check("output_bytes", adblockBytes, `${adblockBytes} characters`);
  return {
    configuration,
    body,
    header,
    lastModified,
    lineCount,
    ruleCount,
    budget,
    explained,
    emit,
    metrics: (formats: FormatReport[]): CompileMetrics => ({
      sources,
      steps,
      formats,
      linesLoaded: sources.reduce((total, source) => total + source.linesLoaded, 0),
      lineCount,
      ruleCount,
    }),
  };
}

/** The characters of the list's lines joined by newlines, before the text is built. */
function textLength(lines: LineList): number {
  let length = Math.max(lines.length - 1, 0);
  for (let index = 0; index < lines.length; index++) length += lines.endOf(index) - lines.startOf(index);
  return length;
}
