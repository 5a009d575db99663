import type { StepName, StepScope } from "./configuration";
import type { Explanation, StepExplanation } from "./explain";
import type { FormatReport } from "./formats";

export type { StepName, StepScope };

export interface StepMetrics {
  scope: StepScope;
  sourceIndex?: number;
  name: StepName;
  linesBefore: number;
  linesAfter: number;
}

export interface SourceMetrics {
  sourceIndex: number;
  source: string;
  /** Lines after splitting and resolving directives, before any step. */
  linesLoaded: number;
  /** Lines this source contributes to the list (its header not counted). */
  linesKept: number;
  /** The comment block written before its lines (`! Source: …`): the list's steps read these too. */
  headerLines: number;
}

/** Progress reports, in order, for the streaming API and the CLI's `-v`. */
export type CompileEvent =
  | { type: "source_start"; sourceIndex: number; source: string; name?: string }
  | ({ type: "source_done" } & SourceMetrics)
  | ({ type: "transformation" } & StepMetrics)
  | ({ type: "format" } & FormatReport)
  /** With `explain`: after each step's `transformation`, what it removed and why. */
  | ({ type: "step_explained" } & StepExplanation)
  /** With `explain`: the whole explanation, warnings included, before `done`. */
  | { type: "explanation"; explanation: Explanation }
  | { type: "done"; lineCount: number; ruleCount: number };

export interface CompileMetrics {
  sources: SourceMetrics[];
  steps: StepMetrics[];
  /** What each output format wrote of the list, and what it dropped and why. */
  formats: FormatReport[];
  /** Lines loaded from all sources together. */
  linesLoaded: number;
  /** Lines in the result, header included. */
  lineCount: number;
  ruleCount: number;
}
