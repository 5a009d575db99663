import type { CompileBudget } from "./budget";
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
): Promise<LineMatcher[] | null> {
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
  return matchers;
}

/** Drops every line that one of the patterns matches. */
export function applyExclusions(lines: LineList, matchers: readonly LineMatcher[]): LineList {
  return keepLines(lines, matchers, false);
}

/** Keeps only the lines that one of the patterns matches. */
export function applyInclusions(lines: LineList, matchers: readonly LineMatcher[]): LineList {
  return keepLines(lines, matchers, true);
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
