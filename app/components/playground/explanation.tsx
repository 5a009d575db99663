/**
 * The explanation of a compile in the playground's result pane: warnings first, then the line
 * counts of each source and step (adding up, header lines included), the rules each step removed
 * with the reason, and a "why isn't X in my list?" search over the compile's trace.
 */
import { type FormEvent, useState } from "react";
import type {
  ChangedRule,
  Explanation,
  HostLookup,
  RemovalCode,
  RemovedRule,
  StepExplanation,
} from "~/compiler/explain";
import { inputClass, secondaryButton } from "../ui";

/**
 * Pasted lists up to this many characters are compiled with the explanation on: its trace costs
 * a few times the list's memory, and beyond a few megabytes nobody reads the examples anyway.
 */
export const PLAYGROUND_EXPLAIN_MAX_CHARACTERS = 5 * 1024 * 1024;

/** An explanation as the API answers it: `id` is what the host lookup reads. */
export type ExplanationResult = Explanation & { id: string };

/** 209715 → "209,715": one format for every count on the page, whatever the browser's locale. */
export const formatCount = (count: number) => count.toLocaleString("en-US");

const REASON_LABELS: Record<RemovalCode, string> = {
  covered: "covered by a parent rule",
  invalid: "invalid",
  excluded: "excluded",
  not_included: "not included",
  duplicate: "duplicate",
  comment_of_removed_rule: "comment above a removed rule",
  comment: "comment",
  empty: "empty line",
};

const sourceLabel = (source: number | undefined) => (source === undefined ? "" : `source ${source + 1}`);

function RemovedRuleText({ entry }: { entry: RemovedRule }) {
  const from = [entry.original && `from ${entry.original}`, sourceLabel(entry.source)].filter(Boolean).join(", ");
  let why: string = REASON_LABELS[entry.reason];
  if (entry.reason === "covered" && entry.parent) {
    const parentFrom = [entry.parent.original && `from ${entry.parent.original}`, sourceLabel(entry.parent.source)]
      .filter(Boolean)
      .join(", ");
    why = `covered by ${entry.parent.rule}${parentFrom ? ` (${parentFrom})` : ""}`;
  } else if (entry.reason === "excluded" && entry.detail) {
    why = `excluded by ${entry.detail}`;
  } else if (entry.reason === "invalid" && entry.detail) {
    why = `invalid: ${entry.detail}`;
  }
  return (
    <>
      <code className="break-all">{entry.rule}</code>
      {from && <span className="text-slate-600 dark:text-slate-400"> ({from})</span>} — {why}
    </>
  );
}

function ChangedRuleText({ entry }: { entry: ChangedRule }) {
  return (
    <>
      <code className="break-all">{entry.rule}</code>
      {entry.source !== undefined && (
        <span className="text-slate-600 dark:text-slate-400"> ({sourceLabel(entry.source)})</span>
      )}{" "}
      — modifier removed: now <code className="break-all">{entry.to}</code>
    </>
  );
}

function stepWhere(step: StepExplanation) {
  return step.scope === "source" ? `source ${(step.sourceIndex ?? 0) + 1}` : "list";
}

function StepCounts({ step }: { step: StepExplanation }) {
  const parts = [
    step.removed > 0 && `−${formatCount(step.removed)} removed`,
    step.added > 0 && `+${formatCount(step.added)} added`,
  ].filter(Boolean);
  return (
    <>
      {step.name}: {formatCount(step.linesIn)} → {formatCount(step.linesOut)} lines
      {parts.length > 0 && ` (${parts.join(", ")})`}
    </>
  );
}

function StepDetails({ step }: { step: StepExplanation }) {
  if (step.reasons.length === 0 && step.changes.length === 0) return null;
  return (
    <ul className="ml-4 mt-1 space-y-1">
      {step.reasons.map((summary) => (
        <li key={summary.reason} data-testid="explain-reason" data-reason={summary.reason}>
          <details>
            <summary className="cursor-pointer">
              {REASON_LABELS[summary.reason]}: {formatCount(summary.count)}
              {summary.examples.length < summary.count && ` (first ${summary.examples.length} shown)`}
            </summary>
            <ul className="ml-4 list-disc text-xs">
              {summary.examples.map((entry, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the same rule can be removed twice
                <li key={index} data-testid="explain-removed-rule">
                  <RemovedRuleText entry={entry} />
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
      {step.changes.map((summary) => (
        <li key={summary.change}>
          <details>
            <summary className="cursor-pointer">modifier removed: {formatCount(summary.count)}</summary>
            <ul className="ml-4 list-disc text-xs">
              {summary.examples.map((entry, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the same rule can change twice
                <li key={index}>
                  <ChangedRuleText entry={entry} />
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  );
}

function HostSearch({ id }: { id: string }) {
  const [host, setHost] = useState("");
  const [answer, setAnswer] = useState<HostLookup | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const search = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setAnswer(null);
    const response = await fetch(`/api/compile/explain?${new URLSearchParams({ id, host })}`).catch(() => null);
    const body = (await response?.json().catch(() => null)) as (HostLookup & { error?: { message: string } }) | null;
    if (!response?.ok || !body) setProblem(body?.error?.message ?? "The lookup failed; try again.");
    else setAnswer(body);
  };
  return (
    // without JavaScript the form asks the API itself and the browser shows its JSON answer
    <form
      method="get"
      action="/api/compile/explain"
      onSubmit={search}
      className="space-y-2"
      data-testid="explain-search"
    >
      <input type="hidden" name="id" value={id} />
      <label htmlFor="explain-host" className="block text-sm font-medium">
        Why isn't a host in my list?
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id="explain-host"
          name="host"
          className={`${inputClass} mt-0 min-w-0 flex-1`}
          value={host}
          onChange={(event) => setHost(event.target.value)}
          placeholder="ads.example.com"
          required
        />
        <button type="submit" className={secondaryButton}>
          Look up
        </button>
      </div>
      {problem && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {problem}
        </p>
      )}
      {answer && (
        <div aria-live="polite" data-testid="explain-search-answer" className="text-sm">
          {answer.entries.length === 0 ? (
            <p>No rule naming {answer.host} was removed or changed by this compile.</p>
          ) : (
            <ul className="list-disc space-y-1 pl-5">
              {answer.entries.map((entry, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: entries are in compile order and can repeat
                <li key={index}>
                  {entry.step} ({entry.scope === "source" ? `source ${(entry.sourceIndex ?? 0) + 1}` : "list"}):{" "}
                  {"reason" in entry ? <RemovedRuleText entry={entry} /> : <ChangedRuleText entry={entry} />}
                </li>
              ))}
            </ul>
          )}
          {answer.traceTruncated && (
            <p>This compile removed more rules than were traced: the answer may be incomplete.</p>
          )}
        </div>
      )}
    </form>
  );
}

export function ExplanationPane({ explanation }: { explanation: ExplanationResult }) {
  const listSteps = explanation.steps.filter((step) => step.scope === "list");
  const { sourceLines, headerLines } = explanation.list;
  return (
    <section aria-label="Explanation of the compile" className="space-y-4 text-sm" data-testid="explanation">
      {explanation.warnings.length > 0 && (
        <ul
          className="space-y-1 rounded-lg border border-amber-400 bg-amber-50 p-3 text-amber-900 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100"
          data-testid="explain-warnings"
        >
          {explanation.warnings.map((warning) => (
            <li key={warning.message} data-code={warning.code}>
              <span aria-hidden="true">⚠ </span>
              {warning.message}
            </li>
          ))}
        </ul>
      )}
      <ol className="space-y-2" data-testid="explain-steps">
        {explanation.sources.map((source) => (
          <li key={source.sourceIndex}>
            <strong>
              Source {source.sourceIndex + 1}
              {source.name ? ` · ${source.name}` : ""}
            </strong>
            : {formatCount(source.linesLoaded)} lines loaded, {formatCount(source.linesKept)} kept,{" "}
            {formatCount(source.rulesInList)} rules in the list
            <ul className="ml-4">
              {explanation.steps
                .filter((step) => step.scope === "source" && step.sourceIndex === source.sourceIndex)
                .map((step) => (
                  <li key={step.name}>
                    <StepCounts step={step} />
                    <StepDetails step={step} />
                  </li>
                ))}
            </ul>
          </li>
        ))}
        <li>
          <strong>List</strong>: {formatCount(sourceLines)} lines from the sources + {formatCount(headerLines)} source
          header lines = {formatCount(sourceLines + headerLines)}
          <ul className="ml-4">
            {listSteps.map((step) => (
              <li key={`${stepWhere(step)}-${step.name}`} data-testid="explain-list-step">
                <StepCounts step={step} />
                <StepDetails step={step} />
              </li>
            ))}
          </ul>
        </li>
      </ol>
      {explanation.traceTruncated && (
        <p>This compile removed more rules than the explanation keeps: lookups may miss some.</p>
      )}
      <HostSearch id={explanation.id} />
    </section>
  );
}
