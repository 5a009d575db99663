/**
 * An exclusion or inclusion pattern, read like the reference does:
 * - `/regex/` (longer than two characters) is a regular expression with the `m` and `i` flags;
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

function isRegexPattern(pattern: string): boolean {
  return pattern.startsWith("/") && pattern.endsWith("/") && pattern.length > 2;
}

export function compileWildcard(pattern: string): LineMatcher {
  if (isRegexPattern(pattern)) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern.substring(1, pattern.length - 1), "mi");
    } catch (error) {
      const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "");
      throw new InvalidPatternError(`invalid regular expression ${pattern}: ${reason}`);
    }
    return regex;
  }
  if (pattern.includes("*")) return new GlobMatcher(pattern.split(/\*+/));
  return new PlainMatcher(pattern);
}

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
