import { release } from "../release";

/** Called through constants: see `substring-matcher.ts`. */
const { charCodeAt } = String.prototype;

const NEWLINE = 10;
const MIN_CAPACITY = 1 << 16;

/**
 * A format's output, written as UTF-8 bytes into one growing buffer and decoded once at the end:
 * an entry is copied character by character from the list's own text, so writing a million
 * entries makes no string at all (building each line as a string and joining them took about
 * 40 % of a hostname format's pass).
 */
export class TextBuilder {
  private bytes: Uint8Array;
  private length = 0;
  private lineCount = 0;
  private readonly encoder = new TextEncoder();

  constructor(expectedLength = MIN_CAPACITY) {
    this.bytes = new Uint8Array(Math.max(expectedLength, MIN_CAPACITY));
  }

  /** Starts a new line (a `\n` before every line but the first). */
  newLine(): void {
    if (this.lineCount++ > 0) this.byte(NEWLINE);
  }

  /** Writes `text` (from `start` to `end`) onto the current line. */
  write(text: string, start = 0, end = text.length): void {
    this.reserve(end - start);
    const { bytes } = this;
    let position = this.length;
    for (let index = start; index < end; index++) {
      const code = charCodeAt.call(text, index);
      if (code >= 128) {
        this.length = position;
        this.writeUtf8(text.substring(index, end));
        return;
      }
      bytes[position++] = code;
    }
    this.length = position;
  }

  /** A whole line. */
  push(line: string): void {
    this.newLine();
    this.write(line);
  }

  /** The lines joined with `\n` (no newline after the last: push `""` for one). The builder is done. */
  text(): string {
    const text = new TextDecoder().decode(this.bytes.subarray(0, this.length));
    release(this.bytes);
    return text;
  }

  private writeUtf8(text: string): void {
    // at most 3 bytes per UTF-16 code unit
    this.reserve(text.length * 3);
    this.length += this.encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  private byte(code: number): void {
    this.reserve(1);
    this.bytes[this.length++] = code;
  }

  private reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    release(this.bytes);
    this.bytes = grown;
  }
}
