import { parse as parseHostname } from "tldts";
import type { StepName, StepScope } from "./configuration";
import type { LineList } from "./line-list";
import { isPlainHostname, isPublicSuffix } from "./public-suffix";
import { blockedHostname, isCommentOrEmptyRange, simpleEtcHostsHostnameStart } from "./rule";

/** Why a step removed a line. */
export type RemovalCode =
  | "comment"
  | "empty"
  | "duplicate"
  | "covered"
  | "invalid"
  | "excluded"
  | "not_included"
  | "comment_of_removed_rule";

/** How a step rewrote a line it kept. */
export type ChangeCode = "converted" | "modifier_removed";

/**
 * What a step tells the explanation of a compile. A transformation gets one only when the compile
 * is explained, and checks for it once per call, so an unexplained compile runs the same loops.
 * `detail` is the covering rule (`covered`), the pattern (`excluded`) or Validate's reason (`invalid`).
 */
export interface StepObserver {
  removed(line: string, code: RemovalCode, detail?: string): void;
  changed(before: string, after: string, code: ChangeCode): void;
  /** Exclusion patterns of this step that matched no line. */
  unmatchedPatterns(patterns: readonly string[]): void;
}

/** Examples kept per reason and step: enough to see the pattern, small enough for an API answer. */
export const EXPLAIN_EXAMPLES_PER_REASON = 20;
/**
 * Removed and changed rules remembered for "why isn't X in my list?" lookups; past this the trace
 * stops (and says so).
 */
export const EXPLAIN_MAX_TRACED = 100_000;
/**
 * Above this many loaded lines (all sources) the explanation keeps counts, capped examples and
 * warnings but no trace and no text → source map: measured, an explained compile of 300k lines
 * needs 54 MB above the baseline (a plain one 20 MB), so a larger one would not fit a Worker.
 */
export const EXPLAIN_MAX_TRACED_LINES = 300_000;

/** Where a rule came from: the source's index, when the explanation could tell. */
export interface TracedRule {
  rule: string;
  /** The line as the source wrote it, when a step rewrote it (`0.0.0.0 com` for `||com^`). */
  original?: string;
  source?: number;
}

export interface RemovedRule extends TracedRule {
  reason: RemovalCode;
  detail?: string;
  /** For `covered`: the rule that covers it, and where that came from. */
  parent?: TracedRule;
  step: StepName;
  scope: StepScope;
  sourceIndex?: number;
}

export interface ChangedRule extends TracedRule {
  change: ChangeCode;
  to: string;
  step: StepName;
  scope: StepScope;
  sourceIndex?: number;
}

export interface ReasonSummary {
  reason: RemovalCode;
  count: number;
  examples: RemovedRule[];
}

export interface ChangeSummary {
  change: ChangeCode;
  count: number;
  examples: ChangedRule[];
}

export interface StepExplanation {
  scope: StepScope;
  sourceIndex?: number;
  name: StepName;
  linesIn: number;
  linesOut: number;
  removed: number;
  /** Lines a step wrote beyond those it read (an /etc/hosts line naming several hosts). */
  added: number;
  reasons: ReasonSummary[];
  changes: ChangeSummary[];
}

export interface SourceExplanation {
  sourceIndex: number;
  source: string;
  name?: string;
  linesLoaded: number;
  linesKept: number;
  /** Rules of the finished list that came from this source. */
  rulesInList: number;
}

export type ExplanationWarning =
  | {
      code: "public_suffix";
      message: string;
      rule: TracedRule;
      /** Rules dropped because this one covered them. */
      covered: number;
      removedBy?: StepName;
    }
  | { code: "empty_source"; message: string; sourceIndex: number; source: string }
  | { code: "unused_exclusion"; message: string; pattern: string; scope: StepScope; sourceIndex?: number };

export interface Explanation {
  sources: SourceExplanation[];
  /**
   * What the list's steps start from: the sources' lines plus the comment block written before
   * each source (`! Source: …`), so the first list step's count adds up.
   */
  list: { sourceLines: number; headerLines: number };
  steps: StepExplanation[];
  warnings: ExplanationWarning[];
  /**
   * Whether the trace is incomplete: more removed or changed rules than `EXPLAIN_MAX_TRACED`, or
   * more loaded lines than `EXPLAIN_MAX_TRACED_LINES` (then sources are not followed either).
   */
  traceTruncated: boolean;
}

/** The explanation, and every removal and change (up to the cap) for lookups by host. */
export interface ExplainedCompile {
  explanation: Explanation;
  trace: (RemovedRule | ChangedRule)[];
}

const REMOVAL_ORDER: readonly RemovalCode[] = [
  "covered",
  "invalid",
  "excluded",
  "not_included",
  "duplicate",
  "comment_of_removed_rule",
  "comment",
  "empty",
];

/**
 * Collects what each step did while a compile runs (`compile(…, { explain: true })`). Rules are
 * followed by their text: a rule's source is the first source that had a line with that text,
 * and a rewritten rule (`0.0.0.0 com` → `||com^`) keeps the source of its original.
 */
export class Explainer {
  private readonly origins = new Map<string, number>();
  private readonly originals = new Map<string, string>();
  private readonly sources: SourceExplanation[] = [];
  private readonly steps: StepExplanation[] = [];
  private readonly trace: (RemovedRule | ChangedRule)[] = [];
  private readonly unusedPatterns: { pattern: string; scope: StepScope; sourceIndex?: number }[] = [];
  private traceTruncated = false;
  private linesLoaded = 0;
  /** Rules that block a whole public suffix, by that suffix: what the `public_suffix` warnings say. */
  private readonly suffixRules = new Map<string, { rule: TracedRule; covered: number; removedBy?: StepName }>();
  private sourceLines = 0;
  private headerLines = 0;

  /**
   * With one source every rule is its own: the text → source map (a string per line) is not kept.
   */
  private readonly onlySource: number | undefined;

  constructor(
    sourceCount: number,
    private readonly examplesPerReason = EXPLAIN_EXAMPLES_PER_REASON,
  ) {
    this.onlySource = sourceCount === 1 ? 0 : undefined;
  }

  /** A source's lines as loaded: each line's text now points at this source. */
  sourceLoaded(sourceIndex: number, source: string, name: string | undefined, lines: LineList): void {
    this.linesLoaded += lines.length;
    if (this.linesLoaded > EXPLAIN_MAX_TRACED_LINES) this.stopTracing();
    if (this.onlySource === undefined && !this.traceTruncated) {
      for (let index = 0; index < lines.length; index++) this.noteOrigin(lines.get(index).trim(), sourceIndex);
    }
    this.sources.push({ sourceIndex, source, name, linesLoaded: lines.length, linesKept: 0, rulesInList: 0 });
  }

  sourceDone(sourceIndex: number, linesKept: number, header: readonly string[]): void {
    this.sources[sourceIndex].linesKept = linesKept;
    this.sourceLines += linesKept;
    this.headerLines += header.length;
    for (const line of header) this.noteOrigin(line, sourceIndex);
  }

  /** The observer for one step; call `stepDone` with the list once it has run. */
  step(scope: StepScope, sourceIndex: number | undefined, name: StepName, linesIn: number): StepObserver {
    const step: StepExplanation = {
      scope,
      sourceIndex,
      name,
      linesIn,
      linesOut: linesIn,
      removed: 0,
      added: 0,
      reasons: [],
      changes: [],
    };
    this.steps.push(step);
    const where = { step: name, scope, ...(sourceIndex === undefined ? {} : { sourceIndex }) };
    return {
      removed: (line, reason, detail) => {
        step.removed++;
        let summary = step.reasons.find((candidate) => candidate.reason === reason);
        if (!summary) {
          summary = { reason, count: 0, examples: [] };
          step.reasons.push(summary);
        }
        summary.count++;
        const removed: RemovedRule = { ...this.traced(line, sourceIndex), reason, ...where };
        if (detail !== undefined) removed.detail = detail;
        if (reason === "covered" && detail !== undefined) {
          removed.parent = this.traced(detail, sourceIndex);
          const suffixRule = this.suffixRule(detail, sourceIndex);
          if (suffixRule) suffixRule.covered++;
        } else if (reason === "invalid") {
          const suffixRule = this.suffixRule(line, sourceIndex);
          if (suffixRule) suffixRule.removedBy = name;
        }
        if (summary.examples.length < this.examplesPerReason) summary.examples.push(removed);
        // comments and empty lines say nothing about a host
        if (reason !== "comment" && reason !== "empty") this.remember(removed);
      },
      changed: (before, after, change) => {
        const origin = this.origins.get(before.trim()) ?? sourceIndex;
        const original = this.originals.get(before.trim()) ?? before.trim();
        if (origin !== undefined) this.noteOrigin(after, origin);
        if (!this.traceTruncated && !this.originals.has(after)) this.originals.set(after, original);
        if (change === "converted") return; // a hosts line becoming a rule is the expected case
        let summary = step.changes.find((candidate) => candidate.change === change);
        if (!summary) {
          summary = { change, count: 0, examples: [] };
          step.changes.push(summary);
        }
        summary.count++;
        const changed: ChangedRule = { ...this.traced(before, sourceIndex), change, to: after, ...where };
        if (summary.examples.length < this.examplesPerReason) summary.examples.push(changed);
        this.remember(changed);
      },
      unmatchedPatterns: (patterns) => {
        for (const pattern of patterns) this.unusedPatterns.push({ pattern, ...where });
      },
    };
  }

  /** Closes the step `step` opened; returns its explanation. */
  stepDone(linesOut: number): StepExplanation {
    const step = this.steps[this.steps.length - 1];
    step.linesOut = linesOut;
    step.added = linesOut - step.linesIn + step.removed;
    step.reasons.sort((a, b) => REMOVAL_ORDER.indexOf(a.reason) - REMOVAL_ORDER.indexOf(b.reason));
    return step;
  }

  /** The explanation of the finished compile, whose list body (no list header) is `body`. */
  finish(body: LineList): ExplainedCompile {
    for (let index = 0; index < body.length; index++) {
      if (isCommentOrEmptyRange(body.textOf(index), body.startOf(index), body.endOf(index))) continue;
      const origin = this.onlySource ?? this.origins.get(body.get(index).trim());
      if (origin !== undefined) this.sources[origin].rulesInList++;
    }
    const warnings: ExplanationWarning[] = [
      ...this.publicSuffixWarnings(body),
      ...this.sources
        .filter((source) => source.rulesInList === 0)
        .map((source) => ({
          code: "empty_source" as const,
          message: `Source ${source.sourceIndex + 1} (${source.name ?? source.source}) contributed no rule to the list.`,
          sourceIndex: source.sourceIndex,
          source: source.source,
        })),
      ...this.unusedPatterns.map(({ pattern, scope, sourceIndex }) => ({
        code: "unused_exclusion" as const,
        message: `The exclusion ${pattern} ${scope === "source" ? `of source ${(sourceIndex ?? 0) + 1} ` : ""}matched no line.`,
        pattern,
        scope,
        ...(sourceIndex === undefined ? {} : { sourceIndex }),
      })),
    ];
    return {
      explanation: {
        sources: this.sources,
        list: { sourceLines: this.sourceLines, headerLines: this.headerLines },
        steps: this.steps,
        warnings,
        traceTruncated: this.traceTruncated,
      },
      trace: this.trace,
    };
  }

  /**
   * A rule that blocks a public suffix or a whole TLD (`||com^`, `0.0.0.0 com`): one warning per
   * such rule, whether a step removed it (Validate does) or it is still in the list, with the
   * number of rules it made Compress drop — they are gone even when it is.
   */
  private publicSuffixWarnings(body: LineList): ExplanationWarning[] {
    for (let index = 0; index < body.length; index++) this.suffixRule(body.get(index), undefined);
    return [...this.suffixRules.values()].map(({ rule, covered, removedBy }) => {
      const from = rule.original ? ` (from ${rule.original})` : "";
      const where = rule.source === undefined ? "" : ` in source ${rule.source + 1}`;
      const dropped = covered > 0 ? `; Compress dropped ${covered} rule${covered === 1 ? "" : "s"} it covered` : "";
      const fate = removedBy ? `, then ${removedBy} removed it` : ", and it is in the list";
      return {
        code: "public_suffix" as const,
        message: `${rule.rule}${from}${where} blocks a whole public suffix${dropped}${fate}.`,
        rule,
        covered,
        ...(removedBy ? { removedBy } : {}),
      };
    });
  }

  private traced(line: string, fallbackSource: number | undefined): TracedRule {
    const rule = line.trim();
    const traced: TracedRule = { rule };
    const original = this.originals.get(rule);
    if (original !== undefined && original !== rule) traced.original = original;
    const source = this.onlySource ?? this.origins.get(rule) ?? fallbackSource;
    if (source !== undefined) traced.source = source;
    return traced;
  }

  /** The warning entry of `rule` when it blocks a whole public suffix, else undefined. */
  private suffixRule(rule: string, sourceIndex: number | undefined) {
    const suffix = blocksPublicSuffix(rule.trim());
    if (suffix === null) return undefined;
    let entry = this.suffixRules.get(suffix);
    if (!entry) {
      entry = { rule: this.traced(rule, sourceIndex), covered: 0 };
      this.suffixRules.set(suffix, entry);
    }
    return entry;
  }

  /** From here on only counts, capped examples and warnings: see `EXPLAIN_MAX_TRACED_LINES`. */
  private stopTracing(): void {
    this.traceTruncated = true;
    this.trace.length = 0;
    this.origins.clear();
    this.originals.clear();
  }

  private noteOrigin(text: string, sourceIndex: number): void {
    if (this.onlySource === undefined && !this.traceTruncated && !this.origins.has(text)) {
      this.origins.set(text, sourceIndex);
    }
  }

  private remember(entry: RemovedRule | ChangedRule): void {
    if (this.traceTruncated) return;
    if (this.trace.length < EXPLAIN_MAX_TRACED) this.trace.push(entry);
    else this.traceTruncated = true;
  }
}

/**
 * The public suffix a blocking rule blocks whole (`||com^`, `0.0.0.0 co.uk`), or null. A single
 * label counts only when it is a real suffix: tldts calls any unknown one a suffix (`localhost`).
 */
export function blocksPublicSuffix(rule: string): string | null {
  const hostsStart = simpleEtcHostsHostnameStart(rule);
  const hostname = hostsStart !== -1 ? rule.substring(hostsStart) : blockedHostname(rule);
  if (hostname === null || !isPlainHostname(hostname) || !isPublicSuffix(hostname)) return null;
  const parsed = parseHostname(hostname);
  return parsed.isIcann || parsed.isPrivate ? hostname : null;
}

const HOSTNAME_CHARACTER = /[a-z0-9.-]/i;

/** Whether `rule` names `host` as a whole hostname (`||ads.example.org^` names `ads.example.org`, not `example.org`). */
export function mentionsHost(rule: string, host: string): boolean {
  const text = rule.toLowerCase();
  const wanted = host.toLowerCase();
  for (let at = text.indexOf(wanted); at !== -1; at = text.indexOf(wanted, at + 1)) {
    const before = text[at - 1];
    const after = text[at + wanted.length];
    if (
      (before === undefined || !HOSTNAME_CHARACTER.test(before)) &&
      (after === undefined || !HOSTNAME_CHARACTER.test(after))
    ) {
      return true;
    }
  }
  return false;
}

/** What a host lookup finds: the rules that named it, and what each step did to them. */
export interface HostLookup {
  host: string;
  entries: (RemovedRule | ChangedRule)[];
  /** Whether the trace was cut, so an empty answer may be incomplete. */
  traceTruncated: boolean;
}

/** Caps a lookup's answer: a host named by more rules than this is a pattern, not a question. */
export const HOST_LOOKUP_MAX_ENTRIES = 100;

/** "Why isn't `host` in my list?": the traced rules that named it (or its original line did). */
export function lookupHost(compiled: ExplainedCompile, host: string): HostLookup {
  const entries = compiled.trace.filter(
    (entry) =>
      mentionsHost(entry.rule, host) ||
      (entry.original !== undefined && mentionsHost(entry.original, host)) ||
      ("to" in entry && mentionsHost(entry.to, host)),
  );
  return {
    host,
    entries: entries.slice(0, HOST_LOOKUP_MAX_ENTRIES),
    traceTruncated: compiled.explanation.traceTruncated,
  };
}
