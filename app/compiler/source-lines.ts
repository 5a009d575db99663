/**
 * Turns a source's text into lines the way the reference's downloader does: the text is trimmed and
 * split on any run of CR/LF (so empty lines disappear), `!#if` / `!#else` / `!#endif` blocks are
 * resolved (no constant is defined, only `true` holds), and `!#include` lines are replaced by the
 * included file.
 */

import { type CompileBudget, CompileTooLargeError } from "./budget";
import { LineList } from "./line-list";

export type LoadSource = (source: string, signal?: AbortSignal) => Promise<string>;

export class SourceError extends Error {}

/** A file that includes itself, directly or through others, would otherwise never finish. */
export const MAX_INCLUDE_DEPTH = 8;

const DIRECTIVE_PREFIX = "!#";
const IF_DIRECTIVE = "!#if";
const ELSE_DIRECTIVE = "!#else";
const ENDIF_DIRECTIVE = "!#endif";
const INCLUDE_DIRECTIVE = "!#include";
/** The reference drops `! Diff-Path:` lines from the top of included files. */
const DIFF_PATH_SCAN_LINES = 50;
const ABSOLUTE_URL = /^([a-z]+:\/\/|\/\/)/i;
const EXTERNAL_URL = /^((?!file)[a-z]+:\/\/|\/\/)/i;

export function splitSourceText(text: string): string[] {
  return text.trim().split(/[\r\n]+/);
}

/**
 * Loads a source and resolves its directives. A text without `!#` has none: its lines stay ranges
 * of the text (see `LineList`); the rest take the string-array path below. `budget` counts the
 * `!#include` lines of the whole compile.
 */
export async function loadSourceLines(
  location: string,
  loadSource: LoadSource,
  budget: CompileBudget,
  signal?: AbortSignal,
) {
  const text = await loadSource(location, signal);
  if (!text.includes(DIRECTIVE_PREFIX)) return LineList.fromText(text, budget.lineCount(text, location));
  budget.chargeSplit(text, location);
  const expansion: Expansion = { loadSource, signal, budget };
  return LineList.fromArray(await expandDirectives(splitSourceText(text), location, 0, expansion));
}

/** What the includes of one source share: how to load them, and the compile's count of them. */
interface Expansion {
  loadSource: LoadSource;
  signal: AbortSignal | undefined;
  budget: CompileBudget;
}

async function loadAndExpand(location: string, depth: number, expansion: Expansion): Promise<string[]> {
  const text = await expansion.loadSource(location, expansion.signal);
  expansion.budget.chargeSplit(text, location);
  const lines = splitSourceText(text);
  return expandDirectives(lines, location, depth, expansion);
}

async function expandDirectives(
  lines: string[],
  location: string,
  depth: number,
  expansion: Expansion,
): Promise<string[]> {
  if (!lines.some(isDirective)) return lines;
  const resolved = resolveConditions(lines, location);
  if (!resolved.some((line) => line.startsWith(INCLUDE_DIRECTIVE))) return resolved;

  const expanded: string[] = [];
  for (const line of resolved) {
    if (!line.startsWith(INCLUDE_DIRECTIVE)) {
      expanded.push(line);
      continue;
    }
    if (depth + 1 > MAX_INCLUDE_DEPTH) {
      throw new SourceError(`${location}: includes are nested deeper than ${MAX_INCLUDE_DEPTH} levels ("${line}")`);
    }
    expansion.budget.chargeInclude(line);
    const target = line.substring(INCLUDE_DIRECTIVE.length).trim();
    const includedLocation = resolveIncludeLocation(location, target, line);
    let included: string[];
    try {
      included = await loadAndExpand(includedLocation, depth + 1, expansion);
    } catch (error) {
      if (error instanceof SourceError || error instanceof CompileTooLargeError || expansion.signal?.aborted) {
        throw error;
      }
      throw new SourceError(`${location}: failed to resolve "${line}": ${(error as Error).message}`);
    }
    removeDiffPathLines(included);
    for (const includedLine of included) expanded.push(includedLine);
  }
  return expanded;
}

function isDirective(line: string): boolean {
  return line.startsWith(DIRECTIVE_PREFIX);
}

/**
 * Where an included file lives. A URL source's include is resolved against it as a browser would
 * (`new URL(target, location)`) and must stay on its origin: joining strings let `http://host`
 * including `other.example/list` reach `http://other.example/list`. A local file's sits next to it.
 */
function resolveIncludeLocation(location: string, target: string, line: string): string {
  if (EXTERNAL_URL.test(location)) {
    const resolved = parseUrl(target, location);
    if (resolved === null || resolved.origin !== urlOrigin(location)) {
      throw new SourceError(`${location}: an include from another origin is rejected ("${line}")`);
    }
    return resolved.href;
  }
  const directory = location.substring(0, location.lastIndexOf("/"));
  if (directory && ABSOLUTE_URL.test(target)) {
    const directoryOrigin = urlOrigin(directory);
    if (directoryOrigin === null) throw new SourceError(`${location}: a local file cannot include a URL ("${line}")`);
    if (urlOrigin(target) !== directoryOrigin) {
      throw new SourceError(`${location}: an include from another origin is rejected ("${line}")`);
    }
  }
  if (EXTERNAL_URL.test(target)) return target;
  return directory ? `${directory}/${target}` : target;
}

/** `URL.parse`, which Node 20 (the CLI's minimum) lacks. */
function parseUrl(url: string, base?: string): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}

function urlOrigin(url: string): string | null {
  return parseUrl(url)?.origin ?? null;
}

/** Mirrors the reference exactly, including that a removal skips the line moving up into its place. */
function removeDiffPathLines(lines: string[]): void {
  for (let index = 0; index < Math.min(DIFF_PATH_SCAN_LINES, lines.length); index++) {
    if (lines[index].trim().startsWith("! Diff-Path:")) lines.splice(index, 1);
  }
}

function resolveConditions(lines: readonly string[], location: string): string[] {
  const resolved: string[] = [];
  resolveConditionRange(lines, 0, lines.length, location, resolved);
  return resolved;
}

function resolveConditionRange(
  lines: readonly string[],
  from: number,
  to: number,
  location: string,
  resolved: string[],
): void {
  for (let index = from; index < to; index++) {
    const line = lines[index];
    if (line.startsWith(IF_DIRECTIVE)) {
      const endIndex = findBlockEnd(lines, ENDIF_DIRECTIVE, index + 1, to);
      if (endIndex === -1) throw directiveError("condition end not found", line, location);
      const elseIndex = findBlockEnd(lines, ELSE_DIRECTIVE, index + 1, endIndex);
      const matched = evaluateCondition(line.substring(IF_DIRECTIVE.length).trim(), location);
      if (elseIndex === -1) {
        if (matched) resolveConditionRange(lines, index + 1, endIndex, location, resolved);
      } else {
        if (lines[elseIndex].trim().length !== ELSE_DIRECTIVE.length) {
          throw directiveError("invalid !#else directive", line, location);
        }
        if (matched) resolveConditionRange(lines, index + 1, elseIndex, location, resolved);
        else resolveConditionRange(lines, elseIndex + 1, endIndex, location, resolved);
      }
      index = endIndex;
    } else if (line.startsWith(ELSE_DIRECTIVE)) {
      throw directiveError("unexpected !#else", line, location);
    } else if (line.startsWith(ENDIF_DIRECTIVE)) {
      throw directiveError("unexpected !#endif", line, location);
    } else {
      resolved.push(line);
    }
  }
}

function directiveError(problem: string, line: string, location: string): SourceError {
  return new SourceError(`${location}: invalid directives: ${problem} ("${line}")`);
}

/**
 * The end of the block opened just before `from`. Nested `!#if`s are counted, and — as in the
 * reference — any `endDirective` closes the innermost open one (so a nested `!#else` can hide the
 * outer one).
 */
function findBlockEnd(lines: readonly string[], endDirective: string, from: number, to: number): number {
  let depth = 0;
  for (let index = from; index < to; index++) {
    const line = lines[index];
    if (line.startsWith(IF_DIRECTIVE)) depth++;
    else if (line.startsWith(endDirective)) {
      if (depth === 0) return index;
      depth--;
    }
  }
  return -1;
}

/** `!#if` expressions: `!`, `&&`, `||`, parentheses and constants; no constant is defined but `true`. */
function evaluateCondition(rawExpression: string, location: string): boolean {
  if (!rawExpression) throw new SourceError(`${location}: invalid directives: empty condition`);
  const expression = rawExpression.trim();
  if (!hasBalancedParentheses(expression)) {
    throw new SourceError(`${location}: invalid directives: incorrect brackets: ${expression}`);
  }
  const open = expression.lastIndexOf("(");
  if (open !== -1) {
    const close = expression.indexOf(")", open);
    const inner = evaluateCondition(expression.substring(open + 1, close), location);
    return evaluateCondition(expression.substring(0, open) + inner + expression.substring(close + 1), location);
  }
  // The reference drops the character before an operator, so `a||b` reads as `` || `b`.
  const or = expression.indexOf("||");
  if (or !== -1) {
    return (
      evaluateCondition(expression.substring(0, or - 1), location) ||
      evaluateCondition(expression.substring(or + 2), location)
    );
  }
  const and = expression.indexOf("&&");
  if (and !== -1) {
    return (
      evaluateCondition(expression.substring(0, and - 1), location) &&
      evaluateCondition(expression.substring(and + 2), location)
    );
  }
  if (expression.indexOf("!") === 0) return !evaluateCondition(expression.substring(1), location);
  if (!expression) throw new SourceError(`${location}: invalid directives: empty condition`);
  return expression === "true";
}

function hasBalancedParentheses(expression: string): boolean {
  let depth = 0;
  for (const char of expression) {
    if (char === "(") depth++;
    else if (char === ")" && --depth < 0) return false;
  }
  return depth === 0;
}
