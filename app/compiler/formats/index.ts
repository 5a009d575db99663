export type { FormatContext, FormatOutput } from "./context";
export { convertCompiledList } from "./convert";
export { FORMAT_FILE_SUFFIXES, fileSlug, listFileName, parseOutputFormats } from "./names";
export type { DropReason, FormatReport, NarrowReason, OutputFormat, ReasonCount, WidenReason } from "./report";
export { DEFAULT_OUTPUT_FORMAT, describeFormatReport, MAX_REPORT_EXAMPLES, OUTPUT_FORMATS } from "./report";
export { writeFormats } from "./write";
