import { release } from "../release";

/** Called through constants: see `substring-matcher.ts`. */
const { charCodeAt, substring } = String.prototype;

const NEWLINE = 10;
/**
 * Bytes of one block of the output: a few hundred blocks for a million-line list, each its own
 * buffer outside V8's heap, so the collector neither copies nor scans them (as strings, the
 * output's pieces had to be decoded and then were copied by each young-generation collection:
 * decision 0025).
 */
const BLOCK_BYTES = 1 << 18;

/**
 * A format's output, written as UTF-8 bytes into blocks: an entry is copied character by character
 * from the list's own text, so writing a million entries makes no string per line (building each
 * line as a string and joining them took about 40 % of a hostname format's pass), and the output is
 * never decoded into one (decoding the blocks and collecting the strings took up to half of a pass).
 * A full block is kept as it is and the next written into a new one: the output costs its bytes.
 */
export class TextBuilder {
  /** Where the current block is written; read by an entry begun with `beginEntry`. */
  block = new Uint8Array(BLOCK_BYTES);
  /** Bytes of `block` written. */
  private length = 0;
  private lineCount = 0;
  private readonly full: Uint8Array[] = [];
  private readonly encoder = new TextEncoder();

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
      if (end - start > BLOCK_BYTES) return void this.full.push(this.encoder.encode(substring.call(text, start, end)));
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

  /**
   * The lines joined with `\n` (no newline after the last: push `""` for one), as UTF-8 blocks,
   * none ending inside a character. The builder is done.
   */
  blocks(): Uint8Array[] {
    if (this.length > 0) this.full.push(this.block.slice(0, this.length));
    release(this.block);
    return this.full;
  }

  /** Non-ASCII text: encoded whole characters at a time, so a block never ends inside one. */
  private writeUtf8(text: string): void {
    // at most 3 bytes per UTF-16 code unit
    if (this.length + text.length * 3 > BLOCK_BYTES) {
      this.flush();
      if (text.length * 3 > BLOCK_BYTES) return void this.full.push(this.encoder.encode(text));
    }
    this.length += this.encoder.encodeInto(text, this.block.subarray(this.length)).written;
  }

  private flush(): void {
    if (this.length === 0) return;
    this.full.push(this.block.subarray(0, this.length));
    this.block = new Uint8Array(BLOCK_BYTES);
    this.length = 0;
  }
}
