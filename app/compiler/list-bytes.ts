import type { LineList } from "./line-list";

/** Called through constants: see `substring-matcher.ts`. */
const { charCodeAt, substring } = String.prototype;

const NEWLINE = 10;
/**
 * Bytes per block: small beside the list (a million lines are ~25 MB), large enough that a
 * compressor downstream is called a few hundred times rather than once per line.
 */
export const LIST_BYTES_BLOCK = 1 << 16;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

/**
 * The adblock list — `header`, then the lines of `body`, joined by `\n` exactly as
 * `writeAdblock` joins them — as UTF-8, a block at a time. Every block is a view of the same
 * buffer, written again when the next is asked for: a consumer uses (or copies) each before it
 * asks for the next, so the output costs one block however large the list (one new block each
 * time left the collector 25 MB of them to find). `body` is emptied once its last line is written.
 */
export function* listBytes(header: readonly string[], body: LineList): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  const block = new Uint8Array(LIST_BYTES_BLOCK);
  let length = 0;
  const lineCount = header.length + body.length;
  for (let line = 0; line < lineCount; line++) {
    const inBody = line >= header.length;
    const text = inBody ? body.textOf(line - header.length) : header[line];
    let start = inBody ? body.startOf(line - header.length) : 0;
    const end = inBody ? body.endOf(line - header.length) : text.length;
    if (line > 0) {
      if (length === LIST_BYTES_BLOCK) {
        yield block;
        length = 0;
      }
      block[length++] = NEWLINE;
    }
    while (start < end) {
      const code = charCodeAt.call(text, start);
      // Beyond ASCII, room for a whole character or two, so that no block ends inside one.
      if (length === LIST_BYTES_BLOCK || (code >= 0x80 && LIST_BYTES_BLOCK - length < 2 * MAX_UTF8_PER_UNIT)) {
        yield block.subarray(0, length);
        length = 0;
      }
      if (code < 0x80) {
        block[length++] = code;
        start++;
        continue;
      }
      // what fits of the rest of the line, in whole characters
      let units = Math.min(end - start, Math.floor((LIST_BYTES_BLOCK - length) / MAX_UTF8_PER_UNIT));
      // never between the halves of a surrogate pair: each half alone would be encoded as U+FFFD
      if (units < end - start && isHighSurrogate(charCodeAt.call(text, start + units - 1))) units--;
      const { read, written } = encoder.encodeInto(substring.call(text, start, start + units), block.subarray(length));
      length += written;
      start += read;
    }
  }
  body.clear();
  if (length > 0) yield block.subarray(0, length);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
