import { grow, type LineList } from "../line-list";
import type { RangeKeys } from "../range-set";
import { release } from "../release";

/**
 * Hostnames for a `RangeSet`, kept as ranges of the compiled list's lines (12 bytes each, no string
 * per name); a name that had to be lowercased is kept as its own string.
 */
export class HostKeys implements RangeKeys {
  /** The line a key is in, or -1 - its index in `copies`. */
  private lines: Int32Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private readonly copies: string[] = [];
  length = 0;

  constructor(
    private readonly list: LineList,
    capacity = 16,
  ) {
    this.lines = new Int32Array(Math.max(capacity, 16));
    this.starts = new Int32Array(this.lines.length);
    this.ends = new Int32Array(this.lines.length);
  }

  /** Adds the range `start`–`end` of line `line` (offsets in the line) and returns its id. */
  addRange(line: number, start: number, end: number): number {
    const offset = this.list.startOf(line);
    return this.push(line, offset + start, offset + end);
  }

  /** Adds the end of key `id` from offset `start` of its text on (a parent domain of it). */
  addSuffix(id: number, start: number): number {
    return this.push(this.lines[id], start, this.ends[id]);
  }

  addCopy(text: string): number {
    this.copies.push(text);
    return this.push(-this.copies.length, 0, text.length);
  }

  /** Forgets the last key added (one no set took); a copy it had stays (copies are rare). */
  pop(): void {
    this.length--;
  }

  textOf(id: number): string {
    const line = this.lines[id];
    return line >= 0 ? this.list.textOf(line) : this.copies[-line - 1];
  }

  startOf(id: number): number {
    return this.starts[id];
  }

  endOf(id: number): number {
    return this.ends[id];
  }

  release(): void {
    release(this.lines, this.starts, this.ends);
  }

  private push(line: number, start: number, end: number): number {
    if (this.length === this.lines.length) {
      const size = Math.ceil(this.length * 1.5);
      this.lines = grow(this.lines, size);
      this.starts = grow(this.starts, size);
      this.ends = grow(this.ends, size);
    }
    this.lines[this.length] = line;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    return this.length++;
  }
}
