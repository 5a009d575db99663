/**
 * The CLI's progress lines on stderr: each source as it loads, each step with its lines in and
 * out, its time and lines per second, then the total. Times come from the gaps between the
 * compiler's events; a source's loading is timed apart (the CLI does the loading), so it is not
 * charged to the step that follows it.
 */
// the compiler's modules, not its index: see scripts/compile.ts
import type { CompileEvent } from "../../app/compiler/events";
import { describeFormatReport } from "../../app/compiler/formats";

export interface Progress {
  onEvent(event: CompileEvent): void;
  /** Call when a source (or an include, an exclusion list…) has been read. */
  loaded(): void;
  /** The last line, once the list is written. */
  finish(lineCount: number, ruleCount: number, destination: string): void;
}

const count = (value: number) => value.toLocaleString("en");
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (lines: number, ms: number) => `${count(Math.round((lines / Math.max(ms, 0.001)) * 1000))} lines/s`;

export function createProgress(write: (line: string) => void, now: () => number = () => performance.now()): Progress {
  const started = now();
  let stepStarted = started;
  let linesLoaded = 0;
  let loadingMs = 0;

  const scopeOf = (event: Extract<CompileEvent, { type: "transformation" }>) =>
    event.scope === "list" ? "list" : `source ${(event.sourceIndex ?? 0) + 1}`;

  return {
    onEvent(event) {
      const at = now();
      const took = at - stepStarted;
      switch (event.type) {
        case "source_start":
          loadingMs = 0;
          write(`source ${event.sourceIndex + 1}: loading ${event.source}`);
          break;
        case "source_done":
          linesLoaded += event.linesLoaded;
          write(
            `source ${event.sourceIndex + 1}: ${count(event.linesLoaded)} lines loaded in ${seconds(loadingMs)}, ` +
              `${count(event.linesKept)} kept`,
          );
          break;
        case "transformation":
          write(
            `${scopeOf(event)}: ${event.name} ${count(event.linesBefore)} → ${count(event.linesAfter)} lines ` +
              `(${seconds(took)}, ${rate(event.linesBefore, took)})`,
          );
          break;
        case "format":
          write(describeFormatReport(event));
          break;
        case "done":
          break;
      }
      stepStarted = at;
    },
    loaded() {
      const at = now();
      loadingMs += at - stepStarted;
      stepStarted = at;
    },
    finish(lineCount, ruleCount, destination) {
      const total = now() - started;
      write(
        `done: ${count(lineCount)} lines, ${count(ruleCount)} rules in ${seconds(total)} ` +
          `(${rate(linesLoaded, total)} loaded) → ${destination}`,
      );
    },
  };
}
