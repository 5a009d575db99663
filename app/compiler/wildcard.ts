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
    return { test: (line) => regex.test(line) };
  }
  if (pattern.includes("*")) return globMatcher(pattern.split(/\*+/));
  return { test: (line) => line.includes(pattern) };
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
function globMatcher(pieces: string[]): LineMatcher {
  const first = pieceFinder(pieces[0]);
  const last = pieceFinder(pieces[pieces.length - 1]);
  const middle = pieces
    .slice(1, -1)
    .filter((piece) => piece.length > 0)
    .map(pieceFinder);

  return {
    test(line) {
      const tailStart = line.length - last.length;
      if (tailStart < first.length) return false;
      if (!first.occursAt(line, 0) || !last.occursAt(line, tailStart)) return false;
      let position = first.length;
      for (const piece of middle) {
        const found = piece.indexIn(line, position);
        if (found === -1 || found + piece.length > tailStart) return false;
        position = found + piece.length;
      }
      return true;
    },
  };
}

interface PieceFinder {
  length: number;
  occursAt(line: string, position: number): boolean;
  indexIn(line: string, from: number): number;
}

const CASE_SENSITIVE_TEXT = /[A-Za-z\u0080-\uffff]/;

function pieceFinder(piece: string): PieceFinder {
  const { length } = piece;
  if (!CASE_SENSITIVE_TEXT.test(piece)) {
    return {
      length,
      occursAt: (line, position) => line.startsWith(piece, position),
      indexIn: (line, from) => line.indexOf(piece, from),
    };
  }
  const sticky = new RegExp(escapeRegExp(piece), "iy");
  const global = new RegExp(escapeRegExp(piece), "ig");
  return {
    length,
    occursAt(line, position) {
      sticky.lastIndex = position;
      return sticky.test(line);
    },
    indexIn(line, from) {
      global.lastIndex = from;
      return global.exec(line)?.index ?? -1;
    },
  };
}
