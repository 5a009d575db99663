import { type ListDescription, listHeader } from "../header";
import type { FormatReport, OutputFormat } from "./report";

/** What a format pass knows besides the compiled list: what its header says. */
export interface FormatContext {
  configuration: ListDescription;
  lastModified: Date;
  compilerVersion: string;
}

export interface FormatOutput {
  format: OutputFormat;
  /**
   * The output as UTF-8, in blocks (`TextBuilder`): what a file, a Response or a store is written
   * from. A hostname format's pass writes these and nothing else, so no string is made of its output
   * unless a caller reads `text` (decoding the blocks and collecting the pieces took up to half of a
   * pass at a million lines: decision 0025).
   */
  readonly blocks: readonly Uint8Array[];
  /** Bytes of `blocks`. */
  readonly byteLength: number;
  /** The output as text: decoded from `blocks` (or they are encoded from it) on first use. */
  readonly text: string;
  report: FormatReport;
}

/** An output written as blocks of UTF-8, none ending inside a character; `text` decoded when asked for. */
export function bytesOutput(format: OutputFormat, blocks: readonly Uint8Array[], report: FormatReport): FormatOutput {
  let text: string | undefined;
  let byteLength = 0;
  for (const block of blocks) byteLength += block.length;
  return {
    format,
    blocks,
    byteLength,
    get text() {
      if (text === undefined) {
        const decoder = new TextDecoder();
        text = blocks.map((block) => decoder.decode(block)).join("");
      }
      return text;
    },
    report,
  };
}

/** An output made as text (the adblock list is the compiled list's own); `blocks` encoded when asked for. */
export function textOutput(format: OutputFormat, text: string, report: FormatReport): FormatOutput {
  let blocks: Uint8Array[] | undefined;
  const encoded = () => {
    blocks ??= [new TextEncoder().encode(text)];
    return blocks;
  };
  return {
    format,
    get blocks() {
      return encoded();
    },
    get byteLength() {
      return encoded()[0].length;
    },
    text,
    report,
  };
}

/**
 * The list's header (title, description, version, homepage, license, last modified, compiler) in
 * a format's own comments, and a line naming the format and where it came from: the compiled
 * adblock-syntax list is the source of truth, the other formats are converted from it.
 */
export function convertedHeader(context: FormatContext, format: OutputFormat, comment: string): string[] {
  const lines = listHeader(context.configuration, context.lastModified, context.compilerVersion).map((line) =>
    convertComment(line, comment),
  );
  lines.push(`${comment} Format: ${format}, converted from the compiled adblock-syntax list (the source of truth)`);
  lines.push(comment);
  return lines;
}

/** An adblock comment (`! …`, `# …`) as a comment of another format: `!` or `#` becomes `comment`. */
export function convertComment(line: string, comment: string): string {
  return comment + line.substring(1);
}
