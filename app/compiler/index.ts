export type { CompileLimit, CompileLimits } from "./budget";
export {
  CompileBudget,
  CompileTooLargeError,
  MAX_INCLUDES,
  MAX_INPUT_BYTES,
  MAX_LINES,
  MAX_OUTPUT_BYTES,
  MAX_PATTERN_LENGTH,
  MAX_PATTERNS,
  MAX_REGEX_INSTRUCTIONS,
  MAX_SOURCES,
  NO_LIMITS,
  WORKER_LIMITS,
} from "./budget";
export type { CompileBytesResult, CompileOptions, CompileResult } from "./compile";
export { compile, compileToBytes, DEFAULT_COMPILER_VERSION, TRANSFORMATION_ORDER } from "./compile";
export type {
  Configuration,
  ConfigurationIssue,
  FilteringConfiguration,
  SourceConfiguration,
  TransformationName,
} from "./configuration";
export {
  ConfigurationError,
  configurationError,
  configurationSchema,
  parseConfiguration,
  TRANSFORMATION_NAMES,
} from "./configuration";
export type { CompileEvent, CompileMetrics, SourceMetrics, StepMetrics, StepName, StepScope } from "./events";
export type {
  ChangedRule,
  ExplainedCompile,
  Explanation,
  ExplanationWarning,
  HostLookup,
  RemovalCode,
  RemovedRule,
  StepExplanation,
} from "./explain";
export { EXPLAIN_EXAMPLES_PER_REASON, EXPLAIN_MAX_TRACED_LINES, HOST_LOOKUP_MAX_ENTRIES, lookupHost } from "./explain";
export type { DropReason, FormatOutput, FormatReport, OutputFormat, ReasonCount } from "./formats";
export {
  convertCompiledList,
  DEFAULT_OUTPUT_FORMAT,
  describeFormatReport,
  listFileName,
  OUTPUT_FORMATS,
  parseOutputFormats,
} from "./formats";
export { COMPILER_NAME } from "./header";
export type { LoadSource } from "./source-lines";
export { MAX_INCLUDE_DEPTH, SourceError } from "./source-lines";
export { InvalidPatternError } from "./wildcard";
