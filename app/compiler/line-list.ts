import { CompileTooLargeError } from "./budget";
import { LineBreaks, sourceLineCount, sourceTextRange } from "./line-breaks";
import { release } from "./release";

/** New lines are collected and joined into one string once they hold this many characters. */
const PENDING_TEXT_CHARACTERS = 1 << 16;
const NEWLINE = 10;
/** Room for the few header lines `prepend` puts before a source's lines, so they fit without a copy. */
const HEADER_SLACK = 8;

/**
 * The lines of a list, stored as ranges of a few large strings (a source's text, the text new lines
 * were joined into) rather than as one string each. V8 spends 32 bytes or more on every string
 * besides its characters, more than a typical 30-character rule, so a million-line list held as a
 * string array took three times its size; here a line costs 12 bytes on top of the text it was
 * read from. A line becomes a string only while a transformation looks at it, and such short-lived
 * strings are what V8's young generation collects cheaply.
 *
 * Transformations change a list in place (`filter`, `map`, `keepFlagged`, `rewrite`): a second copy
 * of the index of a million lines is what the list needs to fit a Worker's memory without.
 */
export class LineList {
  private texts: string[] = [];
  private textIndexes: Int32Array;
  private starts: Int32Array;
  private ends: Int32Array;
  length = 0;
  /** Lines added since the last join, and their total length: they become `texts[texts.length]`. */
  private pending: string[] = [];
  private pendingLength = 0;
  /**
   * 1 for each line known to be a `||hostname^` rule no other line of the list equals (Compress
   * marks the rules it keeps or writes, see `markUniqueRules`), so Deduplicate need not look at it;
   * null when nothing is known. Removing lines (`keepFlagged`) keeps what is known; any change of
   * a line's text and any line added from elsewhere forget it, as either can make a duplicate.
   */
  private uniqueRuleFlags: Uint8Array | null = null;
  /** The compile's `lines` limit: a list that would grow past it (Compress expanding hosts lines) throws. */
  maxLines = Number.POSITIVE_INFINITY;

  constructor(capacity = 16) {
    this.textIndexes = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  /**
   * The lines of a source's text the way the reference splits it: `text.trim().split(/[\r\n]+/)`,
   * so empty lines disappear and an empty text is one empty line. The lines are ranges of `text`.
   * `lineCount` is `sourceLineCount(text)`, which the compile's budget has already counted.
   */
  static fromText(text: string, lineCount = sourceLineCount(text)): LineList {
    const [from, to] = sourceTextRange(text);
    const breaks = new LineBreaks(text, from, to);
    const list = new LineList(lineCount + HEADER_SLACK);
    list.texts.push(text);
    // every line is a range of text 0, and the index starts zeroed: only the ranges are written
    const { starts, ends } = list;
    let line = 0;
    let lineStart = from;
    while (breaks.next()) {
      if (line === lineCount) throw new Error("the line count given to LineList.fromText is too small");
      starts[line] = lineStart;
      ends[line++] = breaks.start;
      lineStart = breaks.end;
    }
    starts[line] = lineStart;
    ends[line++] = to;
    list.length = line;
    return list;
  }

  static fromArray(lines: readonly string[]): LineList {
    const list = new LineList(Math.max(lines.length, 1));
    for (const line of lines) list.push(line);
    list.flush();
    return list;
  }

  get(index: number): string {
    return this.texts[this.textIndexes[index]].substring(this.starts[index], this.ends[index]);
  }

  /** The string line `index` is a range of, with `startOf` and `endOf`: to read it without a copy. */
  textOf(index: number): string {
    return this.texts[this.textIndexes[index]];
  }

  /** @internal for `LineWriter` */
  textIndexOf(index: number): number {
    return this.textIndexes[index];
  }

  startOf(index: number): number {
    return this.starts[index];
  }

  endOf(index: number): number {
    return this.ends[index];
  }

  toArray(): string[] {
    const lines: string[] = new Array(this.length);
    for (let index = 0; index < this.length; index++) lines[index] = this.get(index);
    return lines;
  }

  /** Appends a line; it can be read once the change that added it has finished (`flush`). */
  push(line: string): void {
    this.forgetUniqueRules();
    this.ensureCapacity(this.length + 1);
    this.writeNew(this.length++, line);
  }

  /** Inserts `lines` before the first line. */
  prepend(lines: readonly string[]): void {
    this.forgetUniqueRules();
    this.flush();
    this.ensureCapacity(this.length + lines.length);
    for (const array of [this.textIndexes, this.starts, this.ends]) {
      array.copyWithin(lines.length, 0, this.length);
    }
    this.length += lines.length;
    for (const [index, line] of lines.entries()) this.writeNew(index, line);
    this.flush();
  }

  /** Appends all lines of `other`, which must not be used afterwards. */
  append(other: LineList): void {
    this.forgetUniqueRules();
    this.flush();
    other.flush();
    const textOffset = this.texts.length;
    for (const text of other.texts) this.texts.push(text);
    this.ensureCapacity(this.length + other.length);
    for (let index = 0; index < other.length; index++) {
      this.pushRange(other.textIndexes[index] + textOffset, other.starts[index], other.ends[index]);
    }
    other.clear();
  }

  /** Strips the characters `isTrimmed` accepts from both ends of every line: only its range changes. */
  trimRanges(isTrimmed: (code: number) => boolean): this {
    this.forgetUniqueRules();
    for (let index = 0; index < this.length; index++) {
      const text = this.texts[this.textIndexes[index]];
      let start = this.starts[index];
      let end = this.ends[index];
      while (start < end && isTrimmed(text.charCodeAt(start))) start++;
      while (end > start && isTrimmed(text.charCodeAt(end - 1))) end--;
      this.starts[index] = start;
      this.ends[index] = end;
    }
    return this;
  }

  /** Keeps the lines whose flag is set. */
  keepFlagged(keep: Uint8Array): this {
    const unique = this.uniqueRuleFlags;
    let kept = 0;
    for (let index = 0; index < this.length; index++) {
      if (!keep[index]) continue;
      if (unique !== null) unique[kept] = unique[index];
      this.move(index, kept++);
    }
    this.length = kept;
    return this;
  }

  /** Replaces each line with what `transform` returns; a line it returns unchanged is not copied. */
  map(transform: (line: string) => string): this {
    this.forgetUniqueRules();
    for (let index = 0; index < this.length; index++) {
      const line = this.get(index);
      const changed = transform(line);
      if (changed !== line) this.writeNew(index, changed);
    }
    this.flush();
    return this;
  }

  /**
   * Replaces each line with zero or more lines: `each` is called once per line index, in order, and
   * calls `writer.keep()` (the line as it is) or `writer.write(text)` for each line to put in its
   * place. Lines are written back into the same index, so `each` must read what it needs of line
   * `index` (`textOf`, ...) before it writes; a line that would overwrite one not read yet waits in
   * a queue (only when lines expand into several before enough were dropped).
   */
  rewrite(each: (index: number, writer: LineWriter) => void): this {
    this.forgetUniqueRules();
    const writer = new LineWriter(this);
    for (let index = 0; index < this.length; index++) {
      writer.read(index);
      each(index, writer);
    }
    this.length = writer.finish();
    this.flush();
    return this;
  }

  /**
   * Marks the lines whose flag is 1 (`flags` has one for each line) as `||hostname^` rules that no
   * other line equals, until a change forgets it (see `uniqueRuleFlags`).
   */
  markUniqueRules(flags: Uint8Array): void {
    if (flags.length < this.length) throw new Error("markUniqueRules needs a flag for each line");
    this.uniqueRuleFlags = flags;
  }

  /** Per line, 1 for a rule no other line equals (see `markUniqueRules`); null when none is known. */
  uniqueRules(): Uint8Array | null {
    return this.uniqueRuleFlags;
  }

  private forgetUniqueRules(): void {
    if (this.uniqueRuleFlags === null) return;
    release(this.uniqueRuleFlags);
    this.uniqueRuleFlags = null;
  }

  /**
   * `leading`, then the lines, joined with `\n`. The list is emptied first where it can be, so its
   * storage is collected before the text is built in full: an ASCII list goes through one byte
   * buffer, which is copied character by character and decoded once (a join of the lines as
   * strings, or of runs of adjacent lines, took 1.5–2 times as long).
   */
  takeText(leading: readonly string[] = []): string {
    this.flush();
    this.fitCapacity();
    const head = leading.join("\n");
    const headSeparator = leading.length > 0 && this.length > 0 ? 1 : 0;
    let size = head.length + headSeparator + Math.max(this.length - 1, 0);
    for (let index = 0; index < this.length; index++) size += this.ends[index] - this.starts[index];
    const bytes = new Uint8Array(size);
    // past the buffer's end, or more bytes than characters: the head is not ASCII
    const { read, written } = new TextEncoder().encodeInto(head, bytes);
    if (headSeparator === 1) bytes[written] = NEWLINE;
    const ascii = this.copyAscii(bytes, written + headSeparator) && read === head.length && written === head.length;
    if (!ascii) {
      release(bytes);
      return this.joinInBlocks(leading.length > 0 ? head : null);
    }
    this.clear();
    const text = new TextDecoder().decode(bytes);
    release(bytes);
    return text;
  }

  /**
   * Copies the lines, joined with `\n`, into `bytes` from `position`; false when some line is not
   * ASCII (then the bytes are not the text). A method of its own, so that no local of `takeText`
   * holds the list's texts while the result is decoded: the source texts can go by then.
   */
  private copyAscii(bytes: Uint8Array, position: number): boolean {
    const { texts, textIndexes, starts, ends } = this;
    // every code unit ORed together: past 0x7F, some line is not ASCII
    let codes = 0;
    for (let index = 0; index < this.length; index++) {
      if (index > 0) bytes[position++] = NEWLINE;
      const text = texts[textIndexes[index]];
      for (let offset = starts[index], end = ends[index]; offset < end; offset++) {
        const code = text.charCodeAt(offset);
        codes |= code;
        bytes[position++] = code;
      }
    }
    return codes <= 0x7f;
  }

  /** The lines joined as strings, after `head` unless it is null. */
  private joinInBlocks(head: string | null): string {
    const blocks: string[] = head === null ? [] : [head];
    const blockLines = 1 << 16;
    for (let blockStart = 0; blockStart < this.length; blockStart += blockLines) {
      const block: string[] = [];
      for (let index = blockStart; index < Math.min(blockStart + blockLines, this.length); index++) {
        block.push(this.get(index));
      }
      blocks.push(block.join("\n"));
    }
    this.clear();
    return blocks.join("\n");
  }

  /**
   * Lets go of the texts no line is a range of any more (a step replaced or removed all their
   * lines), so that they can be collected before the list is: such a text took as much memory as
   * the lines it once held. Texts keep their numbers; a dropped one becomes empty.
   */
  releaseUnusedTexts(): void {
    const used = new Uint8Array(this.texts.length);
    for (let index = 0; index < this.length; index++) used[this.textIndexes[index]] = 1;
    for (let text = 0; text < this.texts.length; text++) if (used[text] === 0) this.texts[text] = "";
  }

  /**
   * Shrinks the index to the lines there are before the output is made beside it: the steps leave
   * the room of every line they removed (a third of the lines of the benchmark corpus, 5 MB at
   * 1.2M lines).
   */
  private fitCapacity(): void {
    if (this.starts.length === this.length) return;
    const fitted = (array: Int32Array) => {
      const copy = array.slice(0, this.length);
      release(array);
      return copy;
    };
    this.textIndexes = fitted(this.textIndexes);
    this.starts = fitted(this.starts);
    this.ends = fitted(this.ends);
  }

  /** Empties the list and frees its storage now (see `release`). */
  clear(): void {
    this.forgetUniqueRules();
    release(this.textIndexes, this.starts, this.ends);
    this.texts = [];
    forgetLastMatch();
    this.textIndexes = this.starts = this.ends = new Int32Array(0);
    this.length = 0;
  }

  private move(from: number, to: number): void {
    if (from === to) return;
    this.textIndexes[to] = this.textIndexes[from];
    this.starts[to] = this.starts[from];
    this.ends[to] = this.ends[from];
  }

  /** @internal for `LineWriter` */
  setRange(index: number, textIndex: number, start: number, end: number): void {
    this.textIndexes[index] = textIndex;
    this.starts[index] = start;
    this.ends[index] = end;
  }

  /** @internal for `LineWriter`: line `index` becomes `line`, joined into a text later. */
  writeNew(index: number, line: string): void {
    this.textIndexes[index] = this.texts.length;
    this.starts[index] = this.pendingLength;
    this.ends[index] = this.pendingLength + line.length;
    this.addPending(line);
  }

  /** @internal for `LineWriter`: the index the text being built will have among `texts`. */
  pendingTextIndex(): number {
    return this.texts.length;
  }

  /** @internal for `LineWriter`: adds `line` to the text being built; returns where it starts there. */
  addPending(line: string): number {
    const start = this.pendingLength;
    this.pendingLength += line.length;
    this.pending.push(line);
    if (this.pendingLength >= PENDING_TEXT_CHARACTERS) this.flush();
    return start;
  }

  /** @internal for `LineWriter` */
  ensureCapacity(capacity: number): void {
    if (capacity <= this.starts.length) return;
    this.checkLines(capacity);
    const size = Math.max(capacity, Math.ceil(this.starts.length * 1.5));
    this.textIndexes = grow(this.textIndexes, size);
    this.starts = grow(this.starts, size);
    this.ends = grow(this.ends, size);
  }

  /** @internal for `LineWriter` and Compress: whether the list may grow to `count` lines. */
  checkLines(count: number): void {
    if (count > this.maxLines) throw new CompileTooLargeError("lines", this.maxLines, "in one step of the list");
  }

  /** Joins the pending new lines into one text, so they can be read. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.texts.push(this.pending.join(""));
    this.pending = [];
    this.pendingLength = 0;
  }

  private pushRange(textIndex: number, start: number, end: number): void {
    this.ensureCapacity(this.length + 1);
    this.setRange(this.length++, textIndex, start, end);
  }

  /**
   * `fitCapacity` for the other output formats, whose passes only read the list: called before
   * their outputs are written beside it, as `takeText` does before the adblock text.
   */
  fitIndex(): void {
    this.fitCapacity();
  }
}

/**
 * V8 keeps the subject of the last successful regular-expression match (`RegExp.lastMatch`), and a
 * line read as a substring of its text keeps that whole text alive: after a 1.2M-line compile its
 * 36 MB source stayed reachable until some later match, beside the output being built. A match
 * on the empty string replaces the subject.
 */
const ANY = /(?:)/;
function forgetLastMatch(): void {
  ANY.test("");
}

/** Writes the lines that replace the line being read in `LineList.rewrite`. */
export class LineWriter {
  private written = 0;
  private readIndex = -1;
  /** The line being read, kept while its slot may be overwritten. */
  private textIndex = 0;
  private start = 0;
  private end = 0;
  /**
   * Lines that could not be written yet, as ranges (text index, start, end; a new line's text is
   * already in the list's pending text): three numbers a line, where objects and strings per
   * queued line made a hosts line naming a million hosts take 400 MB.
   */
  private queue = new Int32Array(0);
  private queueHead = 0;
  private queueTail = 0;

  constructor(private readonly list: LineList) {}

  private get queued(): number {
    return (this.queueTail - this.queueHead) / 3;
  }

  /** @internal */
  read(index: number): void {
    this.readIndex = index;
    this.textIndex = this.list.textIndexOf(index);
    this.start = this.list.startOf(index);
    this.end = this.list.endOf(index);
    // the slots before this line are free; its own is once `each` has read it
    while (this.queueHead < this.queueTail && this.written < index) this.writeQueued();
  }

  /** The line being read stays. */
  keep(): void {
    if (this.queueHead === this.queueTail && this.written <= this.readIndex) {
      this.list.setRange(this.written++, this.textIndex, this.start, this.end);
    } else {
      this.enqueue(this.textIndex, this.start, this.end);
    }
  }

  /** Writes `text` as the next line. */
  write(text: string): void {
    if (this.queueHead === this.queueTail && this.written <= this.readIndex) {
      this.list.writeNew(this.written++, text);
    } else {
      const textIndex = this.list.pendingTextIndex();
      const start = this.list.addPending(text);
      this.enqueue(textIndex, start, start + text.length);
    }
  }

  /** Only lines that expand into several wait here, so this is where a list can outgrow its limit. */
  private enqueue(textIndex: number, start: number, end: number): void {
    this.list.checkLines(this.written + this.queued + 1);
    if (this.queueTail + 3 > this.queue.length) {
      // compact what was written, then grow by half
      const live = this.queue.subarray(this.queueHead, this.queueTail);
      const grown = new Int32Array(Math.max(48, Math.ceil((live.length + 3) * 1.5)));
      grown.set(live);
      release(this.queue);
      this.queue = grown;
      this.queueTail -= this.queueHead;
      this.queueHead = 0;
    }
    this.queue[this.queueTail++] = textIndex;
    this.queue[this.queueTail++] = start;
    this.queue[this.queueTail++] = end;
  }

  /** @internal Writes what is still queued; returns the new length. */
  finish(): number {
    this.list.ensureCapacity(this.written + this.queued);
    while (this.queueHead < this.queueTail) this.writeQueued();
    release(this.queue);
    return this.written;
  }

  private writeQueued(): void {
    const { queue } = this;
    this.list.setRange(this.written++, queue[this.queueHead], queue[this.queueHead + 1], queue[this.queueHead + 2]);
    this.queueHead += 3;
  }
}

/**
 * The runs of CR and LF in `text` between `from` and `to`, found with `indexOf`, which scans
 * natively: splitting the 37 MB benchmark corpus took about 1 s with a loop over every character,
 * 0.1 s this way.
 */
export function grow(array: Int32Array, size: number): Int32Array {
  const grown = new Int32Array(size);
  grown.set(array);
  release(array);
  return grown;
}
