import { CompileBudget, type CompileLimits } from "../budget";
import { COMPILER_NAME, type ListDescription } from "../header";
import { LineList } from "../line-list";
import { countRules } from "../rule";
import type { FormatOutput } from "./context";
import type { OutputFormat } from "./report";
import { writeFormats } from "./write";

/** The adblock header is a dozen lines at most; a list without one is converted whole. */
const MAX_HEADER_LINES = 32;
const COMPILED_BY = `! Compiled by ${COMPILER_NAME} v`;
const HEADER_FIELDS: Record<string, keyof ListDescription> = {
  "! Title: ": "name",
  "! Description: ": "description",
  "! Version: ": "version",
  "! Homepage: ": "homepage",
  "! License: ": "license",
};
const LAST_MODIFIED = "! Last modified: ";

/**
 * Converts a list compiled earlier (its adblock text, as stored for a job or in the result cache)
 * to `format`: the header is read back for the title, version and last modified, the rest goes
 * through the same pass as at compile time. `now` stands in for a last modified it cannot read.
 * The converted text is held to the compile's output cap (a Worker's unless `limits` says
 * otherwise): an RPZ zone is about twice its adblock list.
 */
export function convertCompiledList(
  text: string,
  format: OutputFormat,
  now: Date,
  limits?: Readonly<CompileLimits>,
): FormatOutput {
  const list = LineList.fromText(text);
  if (text.endsWith("\n")) list.push("");
  list.flush();
  const description: ListDescription = { name: "" };
  let lastModified = now;
  let compilerVersion = "";
  let headerLength = 0;
  for (let index = 0; index < Math.min(list.length, MAX_HEADER_LINES); index++) {
    const line = list.get(index);
    if (line.startsWith(COMPILED_BY)) {
      compilerVersion = line.substring(COMPILED_BY.length);
      headerLength = list.get(index + 1) === "!" ? index + 2 : index + 1;
      break;
    }
    const field = Object.keys(HEADER_FIELDS).find((prefix) => line.startsWith(prefix));
    if (field) description[HEADER_FIELDS[field]] = line.substring(field.length);
    if (line.startsWith(LAST_MODIFIED)) {
      const date = new Date(line.substring(LAST_MODIFIED.length));
      if (!Number.isNaN(date.getTime())) lastModified = date;
    }
  }
  const header = Array.from({ length: headerLength }, (_, index) => list.get(index));
  list.keepFlagged(new Uint8Array(list.length).fill(1, headerLength));
  const ruleCount = countRules(list);
  const context = { configuration: description, lastModified, compilerVersion, header, ruleCount };
  const output = writeFormats(list, [format], context)[0];
  new CompileBudget(limits).check("output_bytes", output.byteLength, `${output.byteLength} bytes in ${format}`);
  return output;
}
