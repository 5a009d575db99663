import type { LineList } from "../line-list";
import { release } from "../release";

/** Called through constants: see `substring-matcher.ts`. */
const { substring } = String.prototype;

/**
 * The largest window of a text encoded at a time: few enough bytes to stay in the CPU's caches
 * (and to add little to the pass's memory, four of them), enough that encoding costs one native
 * call per few hundred lines.
 */
const MAX_WINDOW_BYTES = 1 << 14;
/**
 * A window's first size, and its size again after a line was not where the reading was: a list
 * read out of order, or with non-ASCII lines, costs at most this much encoding per line.
 */
const MIN_WINDOW_BYTES = 1 << 10;
/**
 * Windows kept, each on its own text: a compiled list's lines come in order from a few texts at
 * once (a source's, and those its changed lines were joined into), interleaved line by line.
 */
const WINDOWS = 4;

/** Part of one of the list's texts, encoded. */
class Window {
  readonly bytes = new Uint8Array(MAX_WINDOW_BYTES);
  textIndex = -1;
  /** Where `bytes` starts and ends in the text (characters; ASCII, so a byte each). */
  start = 0;
  end = 0;
  /** How many characters the next load encodes: doubled while the text is read in order. */
  size = MIN_WINDOW_BYTES;
  /** When it was last used, to replace the one used longest ago. */
  used = 0;
}

/**
 * The list's lines as bytes, a window of its text at a time, for the loops that read every line
 * (`||host^`, most of a compiled list): a loop over a `Uint8Array` took a third of the time of one
 * over the same characters through `charCodeAt` (which checks the string's representation at every
 * character), and `TextEncoder.encodeInto` copies ASCII text at memory speed. Only ASCII is read
 * this way — a byte is then a character, at the same offset — so a line with another character is
 * not `load`ed and is read as a string instead.
 */
export class ListBytes {
  /** After `load(index)` said so: line `index` is `bytes[startOf(index) - offset…]`. */
  bytes: Uint8Array;
  offset = 0;
  private window: Window;
  private readonly windows: Window[] = [];
  private loads = 0;
  private readonly encoder = new TextEncoder();

  constructor(private readonly list: LineList) {
    for (let count = 0; count < WINDOWS; count++) this.windows.push(new Window());
    this.window = this.windows[0];
    this.bytes = this.window.bytes;
  }

  /** Whether line `index` is ASCII and in `bytes` (a window is moved to it when it was not). */
  load(index: number): boolean {
    const { list } = this;
    const start = list.startOf(index);
    const end = list.endOf(index);
    const textIndex = list.textIndexOf(index);
    let window = this.window;
    if (window.textIndex !== textIndex || start < window.start || end > window.end) {
      window = this.windowOn(textIndex);
      if (start < window.start || end > window.end) this.move(window, index, start);
      this.window = window;
      this.bytes = window.bytes;
      this.offset = window.start;
    }
    window.used = ++this.loads;
    return end <= window.end;
  }

  release(): void {
    for (const window of this.windows) release(window.bytes);
  }

  /** The window on text `textIndex`, or the one used longest ago, for it. */
  private windowOn(textIndex: number): Window {
    let oldest = this.windows[0];
    for (const window of this.windows) {
      if (window.textIndex === textIndex) return window;
      if (window.used < oldest.used) oldest = window;
    }
    oldest.textIndex = textIndex;
    oldest.start = 0;
    oldest.end = 0;
    oldest.size = MIN_WINDOW_BYTES;
    return oldest;
  }

  /** Encodes the window's text from `start` on. */
  private move(window: Window, index: number, start: number): void {
    const text = this.list.textOf(index);
    // Read in order (on from where the window ended): a larger window, and the windows never
    // overlap, so the text is encoded at most once. Read back: a small one again.
    window.size = start >= window.end ? Math.min(window.size * 2, MAX_WINDOW_BYTES) : MIN_WINDOW_BYTES;
    const { read, written } = this.encoder.encodeInto(
      substring.call(text, start, Math.min(text.length, start + window.size)),
      window.bytes.subarray(0, window.size),
    );
    window.start = start;
    window.end = start + read;
    if (read !== written) {
      // only the characters before the first non-ASCII one are where a byte says
      let ascii = 0;
      while (window.bytes[ascii] < 128) ascii++;
      window.end = start + ascii;
      window.size = MIN_WINDOW_BYTES;
    }
  }
}
