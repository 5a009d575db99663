import { release } from "../release";

/** Called through constants: see `substring-matcher.ts`. */
const { charCodeAt, substring } = String.prototype;

const NEWLINE = 10;
/**
 * Bytes written before they are decoded into a piece of the text: small enough to add little to
 * the output's memory, large enough that the pieces of a million-line list stay a few hundred.
 * Above V8's largest ordinary object (128 KB) on purpose: a piece goes straight to the
 * large-object space. 64 KB pieces decoded 7× faster (no fresh mapping per string) but live in the
 * young generation, whose copying needs room for them twice: a compile in RPZ then needed 46 %
 * more memory than in adblock instead of 24 %, against issue 17's bound of 20 % (decision 0025).
 */
const BLOCK_BYTES = 1 << 18;

/**
 * A format's output, written as UTF-8 bytes into a block that is decoded into a piece of the text
 * each time it fills: an entry is copied character by character from the list's own text, so
 * writing a million entries makes no string per line (building each line as a string and joining
 * them took about 40 % of a hostname format's pass). The pieces are joined without copying
 * (V8 keeps `a + b` of long strings as a pair): the output costs its text and one block, where
 * one buffer for the whole output had cost its text twice (buffer and decoded string) and more.
 */
export class TextBuilder {
  /** Where the current piece is written; read by an entry begun with `beginEntry`. */
  readonly block = new Uint8Array(BLOCK_BYTES);
  /** Bytes of `block` written. */
  private length = 0;
  private lineCount = 0;
  private readonly pieces: string[] = [];
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  /** Starts a new line (a `\n` before every line but the first). */
  newLine(): void {
    if (this.lineCount++ === 0) return;
    if (this.length === BLOCK_BYTES) this.flush();
    this.block[this.length++] = NEWLINE;
  }

  /** Writes `text` (from `start` to `end`) onto the current line. */
  write(text: string, start = 0, end = text.length): void {
    if (this.length + end - start > BLOCK_BYTES) {
      this.flush();
      // longer than a block (a very long line): a piece of its own
      if (end - start > BLOCK_BYTES) return void this.pieces.push(substring.call(text, start, end));
    }
    const { block } = this;
    let position = this.length;
    for (let index = start; index < end; index++) {
      const code = charCodeAt.call(text, index);
      if (code >= 128) {
        this.length = position;
        this.writeUtf8(substring.call(text, index, end));
        return;
      }
      block[position++] = code;
    }
    this.length = position;
  }

  /**
   * A whole line `before` + `text` (from `start` to `end`) + `after`: a format's entry, in one
   * call. `text` must be ASCII there (a hostname), and the line shorter than a block.
   */
  writeEntry(before: Uint8Array, text: string, start: number, end: number, after: Uint8Array): void {
    if (this.length + 1 + before.length + (end - start) + after.length > BLOCK_BYTES) this.flush();
    const { block } = this;
    let position = this.length;
    if (this.lineCount++ !== 0) block[position++] = NEWLINE;
    for (let index = 0; index < before.length; index++) block[position++] = before[index];
    for (let index = start; index < end; index++) block[position++] = charCodeAt.call(text, index);
    for (let index = 0; index < after.length; index++) block[position++] = after[index];
    this.length = position;
  }

  /**
   * An entry in parts, for a caller that copies the name into `block` itself as it reads it (and
   * may then drop the entry): makes room for `bytes` (every line of the entry), writes the newline
   * and `before`, and returns where the name goes. Nothing is written until `endEntry`.
   */
  beginEntry(before: Uint8Array, bytes: number): number {
    if (this.length + bytes > BLOCK_BYTES) this.flush();
    const { block } = this;
    let position = this.length;
    if (this.lineCount !== 0) block[position++] = NEWLINE;
    for (let index = 0; index < before.length; index++) block[position++] = before[index];
    return position;
  }

  /** Ends the line `beginEntry` began, whose name ends at `nameEnd` of `block`, with `after`. */
  endEntry(nameEnd: number, after: Uint8Array): void {
    const { block } = this;
    let position = nameEnd;
    for (let index = 0; index < after.length; index++) block[position++] = after[index];
    this.length = position;
    this.lineCount++;
  }

  /** Another line of the entry just ended, its name copied from `nameStart`–`nameEnd` of `block`. */
  repeatEntry(before: Uint8Array, nameStart: number, nameEnd: number, after: Uint8Array): void {
    const { block } = this;
    let position = this.length;
    block[position++] = NEWLINE;
    for (let index = 0; index < before.length; index++) block[position++] = before[index];
    for (let index = nameStart; index < nameEnd; index++) block[position++] = block[index];
    for (let index = 0; index < after.length; index++) block[position++] = after[index];
    this.length = position;
    this.lineCount++;
  }

  /** A whole line. */
  push(line: string): void {
    this.newLine();
    this.write(line);
  }

  /** The lines joined with `\n` (no newline after the last: push `""` for one). The builder is done. */
  text(): string {
    this.flush();
    release(this.block);
    let pieces = this.pieces;
    // joined pairwise, so that the pairs V8 keeps form a shallow tree
    while (pieces.length > 1) {
      const joined: string[] = [];
      for (let index = 0; index < pieces.length; index += 2) {
        joined.push(index + 1 < pieces.length ? pieces[index] + pieces[index + 1] : pieces[index]);
      }
      pieces = joined;
    }
    return pieces[0] ?? "";
  }

  /** Non-ASCII text: encoded whole characters at a time, so a block never ends inside one. */
  private writeUtf8(text: string): void {
    // at most 3 bytes per UTF-16 code unit
    if (this.length + text.length * 3 > BLOCK_BYTES) {
      this.flush();
      if (text.length * 3 > BLOCK_BYTES) return void this.pieces.push(text);
    }
    this.length += this.encoder.encodeInto(text, this.block.subarray(this.length)).written;
  }

  private flush(): void {
    if (this.length === 0) return;
    this.pieces.push(this.decoder.decode(this.block.subarray(0, this.length)));
    this.length = 0;
  }
}
