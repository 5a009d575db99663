/**
 * What one compile may use. A Worker isolate has 128 MB, and a compile's memory grows with the text
 * it handles — including text used more than once (the same pre-fetched entry named by many
 * sources, a file included many times), which no per-source cap sees. So every source text is
 * charged against one input budget each time it is used, and the counts that multiply work have
 * caps of their own. Everything is refused before the memory or time is spent.
 *
 * The numbers come from `npm run bench:compile -- --budget`, which compiles configurations that
 * use the whole budget under a V8 heap cap (docs/compiler.md, "Budgets").
 */

import { sourceLineCount } from "./line-breaks";

/**
 * Bytes of source text per compile (as V8 holds it: one a character, two when a text has one
 * beyond U+00FF), each use counted. The shapes that use it all (one source, 32 sources of one
 * text, 32 includes) needed at most 90 MB of a 128 MB isolate, baseline included.
 */
export const MAX_INPUT_BYTES = 24 * 1024 * 1024;
/**
 * Lines of source text per compile, each use counted, and lines a list may hold at any step (a
 * hosts line naming many hosts becomes one rule each): a line costs ~30 bytes of index and sets
 * besides its text, so many short lines take more memory than their bytes say.
 */
export const MAX_LINES = 1_500_000;
/** Each source may be a fetch (a subrequest): a compile's fetches stay inside a Worker's 50. */
export const MAX_SOURCES = 32;
/** `!#include` lines resolved per compile, all sources together; each may be a fetch, too. */
export const MAX_INCLUDES = 16;
/**
 * Exclusion and inclusion patterns per compile, counted at each level that uses them. Plain ones
 * share one automaton pass and regular expressions one RE2 pass, but each wildcard is a test per line.
 */
export const MAX_PATTERNS = 10_000;
/** One pattern's characters: building an RE2 program takes time with its length; no honest rule is longer. */
export const MAX_PATTERN_LENGTH = 1_024;
/**
 * RE2 instructions of the regular expressions of one level, together. RE2 is linear in the line,
 * but when its DFA gives up it steps through every instruction at each character (measured up to
 * ~2.5 ns a character and instruction): this bounds that worst case; typical patterns need 10–50.
 */
export const MAX_REGEX_INSTRUCTIONS = 1_000;
/**
 * Characters of the compiled list (bytes, for an ASCII list). Rules can grow (`InvertAllow` adds
 * `@@`, `Compress` turns `a b` into two rules), and the text is copied into the response and cache.
 */
export const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

export interface CompileLimits {
  input_bytes: number;
  lines: number;
  sources: number;
  includes: number;
  patterns: number;
  pattern_length: number;
  regex_instructions: number;
  output_bytes: number;
}

export type CompileLimit = keyof CompileLimits;

/** What a compile in a Worker may use: the default. */
export const WORKER_LIMITS: Readonly<CompileLimits> = {
  input_bytes: MAX_INPUT_BYTES,
  lines: MAX_LINES,
  sources: MAX_SOURCES,
  includes: MAX_INCLUDES,
  patterns: MAX_PATTERNS,
  pattern_length: MAX_PATTERN_LENGTH,
  regex_instructions: MAX_REGEX_INSTRUCTIONS,
  output_bytes: MAX_OUTPUT_BYTES,
};

/** For the CLI and the benchmarks, on a machine whose memory is the user's to spend. */
export const NO_LIMITS: Readonly<CompileLimits> = {
  input_bytes: Number.POSITIVE_INFINITY,
  lines: Number.POSITIVE_INFINITY,
  sources: Number.POSITIVE_INFINITY,
  includes: Number.POSITIVE_INFINITY,
  patterns: Number.POSITIVE_INFINITY,
  pattern_length: Number.POSITIVE_INFINITY,
  regex_instructions: Number.POSITIVE_INFINITY,
  output_bytes: Number.POSITIVE_INFINITY,
};

const DESCRIPTIONS: Record<CompileLimit, (value: string) => string> = {
  input_bytes: (value) => `the source text used, each use counted, exceeds ${value}`,
  lines: (value) => `more than ${value} lines`,
  sources: (value) => `more than ${value} sources`,
  includes: (value) => `more than ${value} !#include lines`,
  patterns: (value) => `more than ${value} exclusion and inclusion patterns`,
  pattern_length: (value) => `an exclusion or inclusion pattern is longer than ${value} characters`,
  regex_instructions: (value) => `the regular expressions of one level need more than ${value} RE2 instructions`,
  output_bytes: (value) => `the compiled list exceeds ${value}`,
};

/** A compile over one of its caps; `limit` and `value` name the cap. */
export class CompileTooLargeError extends Error {
  constructor(
    readonly limit: CompileLimit,
    readonly value: number,
    detail: string,
  ) {
    const shown = limit.endsWith("_bytes") ? `${Number((value / 2 ** 20).toFixed(2))} MB` : value.toLocaleString("en");
    super(`Compile too large: ${DESCRIPTIONS[limit](shown)} (limit ${limit} = ${value}; ${detail}).`);
    this.name = "CompileTooLargeError";
  }
}

/** How much memory a text takes in V8: one byte a character, or two once one is beyond U+00FF. */
export function textBytes(text: string): number {
  return BEYOND_LATIN1.test(text) ? text.length * 2 : text.length;
}

const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/** One compile's counts against its limits. */
export class CompileBudget {
  private inputBytes = 0;
  private inputLines = 0;
  private includes = 0;
  private patterns = 0;
  /** Texts already measured, by source: a text used again is not scanned again. */
  private readonly sizes = new Map<string, { length: number; bytes: number; lines: number }>();

  constructor(readonly limits: Readonly<CompileLimits> = WORKER_LIMITS) {}

  /** Counts one use of `text`; throws before the compile builds anything from it. */
  chargeText(text: string, source: string): void {
    const size = this.measure(text, source);
    this.inputBytes += size.bytes;
    this.check("input_bytes", this.inputBytes, `at ${source}`);
    this.inputLines += size.lines;
    this.check("lines", this.inputLines, `at ${source}`);
  }

  /**
   * A text with directives is split into an array of strings before it becomes a list, which
   * costs about twice the memory of the list itself (measured): its bytes are charged once more.
   */
  chargeSplit(text: string, source: string): void {
    this.inputBytes += this.measure(text, source).bytes;
    this.check("input_bytes", this.inputBytes, `at ${source} (split for its directives)`);
  }

  private measure(text: string, source: string): { length: number; bytes: number; lines: number } {
    let size = this.sizes.get(source);
    if (size?.length !== text.length) {
      size = { length: text.length, bytes: textBytes(text), lines: sourceLineCount(text) };
      this.sizes.set(source, size);
    }
    return size;
  }

  /** The lines `text` splits into, as charged (counted once, when the text was first charged). */
  lineCount(text: string, source: string): number {
    return this.measure(text, source).lines;
  }

  chargeInclude(line: string): void {
    this.check("includes", ++this.includes, `at "${line}"`);
  }

  chargePatterns(patterns: Iterable<string>): void {
    for (const pattern of patterns) {
      this.check("pattern_length", pattern.length, `${pattern.substring(0, 40)}…`);
      this.check("patterns", ++this.patterns, "counted at each level");
    }
  }

  check(limit: CompileLimit, amount: number, detail: string): void {
    if (amount > this.limits[limit]) throw new CompileTooLargeError(limit, this.limits[limit], detail);
  }

  /**
   * What a configuration declares, before anything is loaded: the number of sources and of inline
   * patterns, and — for the texts the caller already holds (`texts`: pre-fetched content by
   * source) — their bytes at every place the configuration uses them.
   */
  checkDeclared(configuration: Declared, texts: Readonly<Record<string, string>> = {}): void {
    this.check("sources", configuration.sources.length, `${configuration.sources.length} given`);
    const declared = new CompileBudget(this.limits);
    for (const level of [configuration, ...configuration.sources]) {
      declared.chargePatterns([...(level.exclusions ?? []), ...(level.inclusions ?? [])]);
      const used = [...(level.exclusions_sources ?? []), ...(level.inclusions_sources ?? [])];
      if ("source" in level) used.push(level.source as string);
      for (const location of used) {
        if (Object.hasOwn(texts, location)) declared.chargeText(texts[location], location);
      }
    }
  }
}

interface Filtering {
  exclusions?: readonly string[];
  inclusions?: readonly string[];
  exclusions_sources?: readonly string[];
  inclusions_sources?: readonly string[];
}

interface Declared extends Filtering {
  sources: readonly (Filtering & { source: string })[];
}
