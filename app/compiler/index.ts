export type { CompileOptions, CompileResult } from "./compile";
export { compile, DEFAULT_COMPILER_VERSION, TRANSFORMATION_ORDER } from "./compile";
export type {
  Configuration,
  ConfigurationIssue,
  FilteringConfiguration,
  SourceConfiguration,
  TransformationName,
} from "./configuration";
export { ConfigurationError, parseConfiguration, TRANSFORMATION_NAMES } from "./configuration";
export type { CompileEvent, CompileMetrics, SourceMetrics, StepMetrics, StepName, StepScope } from "./events";
export type { DropReason, FormatOutput, FormatReport, OutputFormat, ReasonCount } from "./formats";
export {
  convertCompiledList,
  DEFAULT_OUTPUT_FORMAT,
  describeFormatReport,
  formatFileName,
  listFileName,
  OUTPUT_FORMATS,
  parseOutputFormats,
} from "./formats";
export { COMPILER_NAME } from "./header";
export type { LoadSource } from "./source-lines";
export { MAX_INCLUDE_DEPTH, MAX_INCLUDES_PER_SOURCE, SourceError } from "./source-lines";
export { InvalidPatternError } from "./wildcard";
