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
  text: string;
  report: FormatReport;
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
