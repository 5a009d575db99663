/** Lines are joined into one string once this many characters are pending. */
const CHUNK_CHARACTERS = 1 << 16;

/**
 * A format's output, line by line: the lines are joined with `\n` in chunks of 64k characters as
 * they come, so the output costs its text and no string or index entry per line (a million short
 * strings take more memory than their characters).
 */
export class TextBuilder {
  private readonly chunks: string[] = [];
  private pending: string[] = [];
  private pendingLength = 0;
  private empty = true;

  push(line: string): void {
    if (!this.empty) this.pending.push("\n");
    this.empty = false;
    this.pending.push(line);
    this.pendingLength += line.length + 1;
    if (this.pendingLength >= CHUNK_CHARACTERS) this.flush();
  }

  /** The lines joined with `\n` (no newline after the last: push `""` for one). */
  text(): string {
    this.flush();
    return this.chunks.join("");
  }

  private flush(): void {
    this.chunks.push(this.pending.join(""));
    this.pending = [];
    this.pendingLength = 0;
  }
}
