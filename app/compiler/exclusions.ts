import type { CompileBudget } from "./budget";
import type { StepObserver } from "./explain";
import type { LineList } from "./line-list";
import { isComment } from "./rule";
import { substringMatcher } from "./substring-matcher";
import {
  compileRegexes,
  compileWildcard,
  isPlainPattern,
  isRegexPattern,
  type LineMatcher,
  loadRegexEngine,
} from "./wildcard";

/** From this many plain patterns on, one automaton pass beats calling `includes` for each. */
const SUBSTRING_AUTOMATON_MIN_PATTERNS = 5;

/** The patterns of an exclusions or inclusions setting, compiled into as few matchers as serve. */
export interface LoadedPatterns {
  matchers: LineMatcher[];
  /** Each pattern as written: an explained compile says which one removed a line. */
  patterns: readonly string[];
}

/** Loads the lines of an exclusions or inclusions source (directives resolved). */
export type LoadPatternSource = (source: string) => Promise<string[]>;

/**
 * The patterns of `exclusions` plus the non-empty, non-comment lines of `exclusions_sources`
 * (the same shape serves `inclusions`), deduplicated and counted against the compile's cap; `null`
 * when there is none. Plain patterns share one automaton, regular expressions one RE2 program.
 */
export async function loadPatterns(
  patterns: readonly string[] | undefined,
  sources: readonly string[] | undefined,
  loadSource: LoadPatternSource,
  budget: CompileBudget,
): Promise<LoadedPatterns | null> {
  if (!patterns?.length && !sources?.length) return null;
  const loaded = await Promise.all((sources ?? []).map(loadSource));
  const all = new Set<string>(patterns);
  for (const lines of loaded) {
    for (const line of lines) {
      if (line.trim().length > 0 && !isComment(line)) all.add(line);
    }
  }
  all.delete("");
  if (all.size === 0) return null;
  budget.chargePatterns(all);
  const plain = [...all].filter(isPlainPattern);
  const regexes = [...all].filter(isRegexPattern);
  const wildcards = [...all].filter((pattern) => !isPlainPattern(pattern) && !isRegexPattern(pattern));
  const matchers = wildcards.map(compileWildcard);
  if (regexes.length > 0) {
    await loadRegexEngine();
    matchers.unshift(compileRegexes(regexes, budget.limits.regex_instructions));
  }
  if (plain.length >= SUBSTRING_AUTOMATON_MIN_PATTERNS) matchers.unshift(substringMatcher(plain));
  else matchers.unshift(...plain.map(compileWildcard));
  return { matchers, patterns: [...all] };
}

/** Drops every line that one of the patterns matches. */
export function applyExclusions(lines: LineList, loaded: LoadedPatterns, observer?: StepObserver): LineList {
  if (observer) explainExclusions(lines, loaded, observer);
  return keepLines(lines, loaded.matchers, false);
}

/** Keeps only the lines that one of the patterns matches. */
export function applyInclusions(lines: LineList, loaded: LoadedPatterns, observer?: StepObserver): LineList {
  if (observer) {
    for (let index = 0; index < lines.length; index++) {
      const line = lines.get(index);
      if (!matchesAny(line, loaded.matchers)) observer.removed(line, "not_included");
    }
  }
  return keepLines(lines, loaded.matchers, true);
}

/**
 * For an explained compile: each excluded line with the first pattern that matches it alone, and
 * the patterns that matched nothing. Each pattern gets a matcher of its own here, as the shared
 * automaton cannot say which of its patterns matched.
 */
function explainExclusions(lines: LineList, loaded: LoadedPatterns, observer: StepObserver): void {
  const single = loaded.patterns.map((pattern) => ({ pattern, matcher: compileWildcard(pattern), used: false }));
  for (let index = 0; index < lines.length; index++) {
    const line = lines.get(index);
    if (!matchesAny(line, loaded.matchers)) continue;
    const first = single.find(({ matcher }) => matcher.test(line));
    if (first) first.used = true;
    observer.removed(line, "excluded", first?.pattern);
    // a line two patterns match uses both: the second must not be reported as never matching
    for (const candidate of single) if (!candidate.used && candidate.matcher.test(line)) candidate.used = true;
  }
  const unused = single.filter(({ used }) => !used).map(({ pattern }) => pattern);
  if (unused.length > 0) observer.unmatchedPatterns(unused);
}

/** A plain loop rather than `filter` with a closure over `matchers` (see `substring-matcher.ts`). */
function keepLines(lines: LineList, matchers: readonly LineMatcher[], keepMatching: boolean): LineList {
  const keep = new Uint8Array(lines.length);
  for (let index = 0; index < lines.length; index++) {
    if (matchesAny(lines.get(index), matchers) === keepMatching) keep[index] = 1;
  }
  return lines.keepFlagged(keep);
}

function matchesAny(line: string, matchers: readonly LineMatcher[]): boolean {
  for (const matcher of matchers) {
    if (matcher.test(line)) return true;
  }
  return false;
}
