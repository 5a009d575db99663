import type { RE2JS } from "re2js";
import { CompileTooLargeError } from "./budget";

/**
 * An exclusion or inclusion pattern, read like the reference does:
 * - `/regex/` (longer than two characters) is a regular expression with the `m` and `i` flags, run
 *   on RE2 (`re2js`), whose time is linear in the line whatever the pattern (see `toRe2Syntax`);
 * - text with `*` is a case-insensitive wildcard that must match the whole line;
 * - anything else must appear in the line as is (case-sensitive).
 */
export interface LineMatcher {
  test(line: string): boolean;
}

export class InvalidPatternError extends Error {}

export function isPlainPattern(pattern: string): boolean {
  return !isRegexPattern(pattern) && !pattern.includes("*");
}

export function isRegexPattern(pattern: string): boolean {
  return pattern.startsWith("/") && pattern.endsWith("/") && pattern.length > 2;
}

/**
 * re2js is imported by the compiles that have a `/regex/` pattern, not with the compiler: its
 * 150 KB took ~8 ms of the CLI's start-up. `loadRegexEngine` before `compileRegexes`.
 */
let re2: typeof RE2JS | undefined;

export async function loadRegexEngine(): Promise<void> {
  re2 ??= (await import("re2js")).RE2JS;
}

/** The reference's `new RegExp(source, "mi")`, on the linear-time engine. */
function compileRe2(source: string): RE2JS {
  if (re2 === undefined) throw new Error("the regex engine is not loaded: await loadRegexEngine() first");
  return re2.compile(source, re2.CASE_INSENSITIVE | re2.MULTILINE);
}

export function compileWildcard(pattern: string): LineMatcher {
  if (isRegexPattern(pattern)) return compileRegexes([pattern]);
  if (pattern.includes("*")) return new GlobMatcher(pattern.split(/\*+/));
  return new PlainMatcher(pattern);
}

/**
 * One matcher for several `/regex/` patterns: a line matches when one of them does, found in a
 * single RE2 pass over the line (an alternation of the patterns), however many there are. RE2's
 * time is linear in the line, times the program's size at worst (when its DFA gives up), so the
 * programs' instructions are counted against `maxInstructions` as the patterns compile. Needs
 * `loadRegexEngine` first.
 */
export function compileRegexes(patterns: readonly string[], maxInstructions = Number.POSITIVE_INFINITY): LineMatcher {
  let instructions = 0;
  const sources = patterns.map((pattern) => {
    const source = regexSource(pattern);
    let compiled: RE2JS;
    try {
      compiled = compileRe2(source);
    } catch (error) {
      throw unsupported(pattern, (error as Error).message.replace(/^error parsing regexp: /, ""));
    }
    instructions += compiled.re2Input.numberOfInstructions();
    if (instructions > maxInstructions) {
      throw new CompileTooLargeError("regex_instructions", maxInstructions, `at ${pattern.substring(0, 40)}`);
    }
    return source;
  });
  if (sources.length === 1) return compileRe2(sources[0]);
  return compileRe2(sources.map((source) => `(?:${source})`).join("|"));
}

/**
 * Checks what can be checked of a `/regex/` pattern without compiling it: that JavaScript accepts
 * it (the reference refuses the others) and that RE2 can give it the same meaning. What is left
 * (e.g. a repeat count over 1000) is refused when the compile builds the pattern's program.
 */
export function checkRegexPattern(pattern: string): void {
  if (isRegexPattern(pattern)) regexSource(pattern);
}

/** The RE2 source of a `/regex/` pattern, or an InvalidPatternError saying why there is none. */
function regexSource(pattern: string): string {
  const source = pattern.substring(1, pattern.length - 1);
  try {
    new RegExp(source, "mi");
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "");
    throw new InvalidPatternError(`invalid regular expression ${pattern}: ${reason}`);
  }
  return toRe2Syntax(source, pattern);
}

function unsupported(pattern: string, why: string): InvalidPatternError {
  return new InvalidPatternError(
    `regular expression ${pattern} is not supported by the linear-time engine (RE2): ${why}`,
  );
}

/**
 * JavaScript's syntax (without the `u` flag) as RE2 reads it. Most of it means the same in both.
 * What only a backtracking engine can run (lookaround, backreferences) is refused, and so is what
 * RE2 would read differently: escapes of letters it gives another meaning (`\Q`, `\z`, `\pL`,
 * `\a`…), POSIX classes inside a class, and an empty class (`[]`, `[^]`). `\uXXXX` becomes
 * `\x{XXXX}`.
 */
function toRe2Syntax(source: string, pattern: string): string {
  const refuse = (why: string) => unsupported(pattern, why);
  let translated = "";
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (character === "\\") {
      const next = source[index + 1];
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(source.substring(index + 2, index + 6))) {
        translated += `\\x{${source.substring(index + 2, index + 6)}}`;
        index += 5;
        continue;
      }
      if (/^[1-9]$/.test(next) || (next === "k" && source[index + 2] === "<")) {
        throw refuse(`backreferences (\\${next}…) need a backtracking engine`);
      }
      if (/^[A-Za-z]$/.test(next) && !SHARED_LETTER_ESCAPES.has(next)) {
        throw refuse(`the escape \\${next} means something else (or nothing) in RE2`);
      }
      if (next === "x" && source[index + 2] === "{") throw refuse("\\x{…} is a quantified x in JavaScript");
      if (next === "0" && /^[0-9]$/.test(source[index + 2] ?? "")) throw refuse("octal escapes are not supported");
      translated += character + (next ?? "");
      index++;
      continue;
    }
    if (inClass) {
      if (character === "]") inClass = false;
      else if (character === "[" && source[index + 1] === ":") throw refuse("POSIX classes ([:…:]) are not supported");
    } else if (character === "[") {
      inClass = true;
      const first = source[index + 1] === "^" ? index + 2 : index + 1;
      if (source[first] === "]") throw refuse("an empty class ([] or [^]) is not supported");
    } else if (character === "(" && source[index + 1] === "?") {
      const kind = source.substring(index + 2, index + 4);
      if (kind[0] === "=" || kind[0] === "!") throw refuse("lookahead ((?=…), (?!…)) needs a backtracking engine");
      if (kind === "<=" || kind === "<!") throw refuse("lookbehind ((?<=…), (?<!…)) needs a backtracking engine");
    }
    translated += character;
  }
  return translated;
}

/**
 * Letter escapes that mean the same in both: classes, assertions, control characters and `\xHH`.
 * `\b` inside a class is a backspace in JavaScript and an error in RE2, which refuses it.
 */
const SHARED_LETTER_ESCAPES = new Set(["d", "D", "w", "W", "s", "S", "b", "B", "t", "n", "r", "f", "v", "x"]);

/*
 * Matchers are classes (a `RegExp` is one already), not closures: V8 optimizes a closure for the
 * values it captured only while it is the only one made at that spot, so from the second
 * compilation on, closures here ran several times slower.
 */

class PlainMatcher implements LineMatcher {
  constructor(private readonly pattern: string) {}

  test(line: string): boolean {
    return line.includes(this.pattern);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

/**
 * `^piece0[\s\S]*piece1…$` without backtracking: the first piece anchors the start, the last the
 * end, and each middle piece takes its leftmost match. (A regular expression with several `*`
 * backtracks polynomially on long lines.) Each piece is found by a case-insensitive regex literal,
 * so case folding is exactly the regex engine's; without the `u` flag a piece matches as many code
 * units as it has. Pieces without ASCII letters or non-ASCII characters fold to themselves, so
 * plain string search finds them.
 */
class GlobMatcher implements LineMatcher {
  private readonly first: PieceFinder;
  private readonly last: PieceFinder;
  private readonly middle: PieceFinder[];

  constructor(pieces: string[]) {
    this.first = pieceFinder(pieces[0]);
    this.last = pieceFinder(pieces[pieces.length - 1]);
    this.middle = pieces
      .slice(1, -1)
      .filter((piece) => piece.length > 0)
      .map(pieceFinder);
  }

  test(line: string): boolean {
    const { first, last } = this;
    const tailStart = line.length - last.length;
    if (tailStart < first.length) return false;
    if (!first.occursAt(line, 0) || !last.occursAt(line, tailStart)) return false;
    let position = first.length;
    for (const piece of this.middle) {
      const found = piece.indexIn(line, position);
      if (found === -1 || found + piece.length > tailStart) return false;
      position = found + piece.length;
    }
    return true;
  }
}

interface PieceFinder {
  readonly length: number;
  occursAt(line: string, position: number): boolean;
  indexIn(line: string, from: number): number;
}

const CASE_SENSITIVE_TEXT = /[A-Za-z\u0080-\uffff]/;

function pieceFinder(piece: string): PieceFinder {
  return CASE_SENSITIVE_TEXT.test(piece) ? new CaseInsensitivePiece(piece) : new ExactPiece(piece);
}

class ExactPiece implements PieceFinder {
  readonly length: number;

  constructor(private readonly piece: string) {
    this.length = piece.length;
  }

  occursAt(line: string, position: number): boolean {
    return line.startsWith(this.piece, position);
  }

  indexIn(line: string, from: number): number {
    return line.indexOf(this.piece, from);
  }
}

class CaseInsensitivePiece implements PieceFinder {
  readonly length: number;
  private readonly sticky: RegExp;
  private readonly global: RegExp;

  constructor(piece: string) {
    this.length = piece.length;
    this.sticky = new RegExp(escapeRegExp(piece), "iy");
    this.global = new RegExp(escapeRegExp(piece), "ig");
  }

  occursAt(line: string, position: number): boolean {
    this.sticky.lastIndex = position;
    return this.sticky.test(line);
  }

  indexIn(line: string, from: number): number {
    this.global.lastIndex = from;
    return this.global.exec(line)?.index ?? -1;
  }
}
