import { isJsWhitespace } from "./rule";

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

/** Where a source's lines are: `text.trim()` as positions of `text`. */
export function sourceTextRange(text: string): [from: number, to: number] {
  let from = 0;
  let to = text.length;
  while (from < to && isJsWhitespace(text.charCodeAt(from))) from++;
  while (to > from && isJsWhitespace(text.charCodeAt(to - 1))) to--;
  return [from, to];
}

/**
 * The number of lines a source's text splits into, as the reference splits it
 * (`text.trim().split(/[\r\n]+/)`): what the compile's budget charges, and what
 * `LineList.fromText` then sizes its index for, so that the text is scanned once to count.
 */
export function sourceLineCount(text: string): number {
  const [from, to] = sourceTextRange(text);
  const breaks = new LineBreaks(text, from, to);
  let count = 1;
  while (breaks.next()) count++;
  return count;
}

/** The runs of CR/LF between `from` and `to` of a text, found with `indexOf` (a native scan). */
export class LineBreaks {
  /** The current run of line breaks. */
  start = 0;
  end = 0;
  private nextNewline = 0;
  private nextCarriageReturn = 0;

  constructor(
    private readonly text: string,
    from: number,
    private readonly to: number,
  ) {
    this.end = from;
    this.nextNewline = this.find("\n", from);
    this.nextCarriageReturn = this.find("\r", from);
  }

  /** Moves to the next run; false when there is none. */
  next(): boolean {
    const { text, to } = this;
    // most texts have no CR: then one `indexOf` a line, and a run is LFs only
    if (this.nextCarriageReturn === to) {
      const start = this.nextNewline;
      if (start >= to) return false;
      let end = start + 1;
      while (end < to && text.charCodeAt(end) === NEWLINE) end++;
      this.start = start;
      this.end = end;
      this.nextNewline = this.find("\n", end);
      return true;
    }
    const start = Math.min(this.nextNewline, this.nextCarriageReturn);
    if (start >= to) return false;
    let end = start + 1;
    while (end < to && isLineBreak(text.charCodeAt(end))) end++;
    this.start = start;
    this.end = end;
    if (this.nextNewline < end) this.nextNewline = this.find("\n", end);
    if (this.nextCarriageReturn < end) this.nextCarriageReturn = this.find("\r", end);
    return true;
  }

  /** The next `character` at or after `position`, or `to` when there is none before it. */
  private find(character: string, position: number): number {
    const index = this.text.indexOf(character, position);
    return index === -1 || index > this.to ? this.to : index;
  }
}

function isLineBreak(code: number): boolean {
  return code === NEWLINE || code === CARRIAGE_RETURN;
}
