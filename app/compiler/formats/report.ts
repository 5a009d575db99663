import type { LineList } from "../line-list";

/** Every output format, in the order the pickers list them; `adblock` is the default. */
export const OUTPUT_FORMATS = ["adblock", "hosts", "domains", "dnsmasq", "unbound", "rpz", "adguard-home"] as const;

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const DEFAULT_OUTPUT_FORMAT: OutputFormat = "adblock";

/** Why a rule of the compiled list is not in an output. */
export type DropReason =
  /** An `@@` rule: applied to the list (the entries it allows are removed), not written. */
  | "allowlist_applied"
  /** A blocking rule an `@@` rule allows (its hostname, or in a format whose entries cover subdomains, one of them). */
  | "allowlisted"
  | "cosmetic"
  | "regex"
  | "has_modifiers"
  /** Anything after the hostname: a path, a query, a port. */
  | "has_path"
  /** `*`, or a pattern that also matches longer names (`||ads`, `example.org^` without `||`). */
  | "wildcard"
  | "ip_address"
  /** An /etc/hosts line that answers with a real address rather than blocking. */
  | "redirect"
  /** Not a hostname a DNS server can hold (characters, label or name too long). */
  | "not_a_hostname"
  /** A second rule for an entry already written. */
  | "duplicate";

/** How a written entry differs from the rule: the format's entries match fewer names… */
export type NarrowReason =
  /** `||host^` written as an entry for `host` alone: its subdomains are not blocked. */
  | "subdomains_not_covered"
  /** `||host^` written for `host` alone because an `@@` rule allows one of its subdomains. */
  | "subdomain_allowlisted";

/** …or more. */
export type WidenReason =
  /** A rule for `host` alone (`|host^`, an /etc/hosts line, a bare domain) written as an entry that also blocks its subdomains. */
  "subdomains_added";

/** How many rules, and the first few of them as they are in the compiled list (trimmed). */
export interface ReasonCount {
  count: number;
  examples: string[];
}

/** What a format pass did with the compiled list: every rule is either written or counted as dropped. */
export interface FormatReport {
  format: OutputFormat;
  /** Rules of the compiled list (an /etc/hosts line counts once per hostname). */
  rulesRead: number;
  rulesWritten: number;
  dropped: Partial<Record<DropReason, ReasonCount>>;
  /** Rules written, but matching fewer names than in the compiled list. */
  narrowed: Partial<Record<NarrowReason, ReasonCount>>;
  /** Rules written, but matching more names than in the compiled list. */
  widened: Partial<Record<WidenReason, ReasonCount>>;
}

/** Examples kept per reason: enough to see the pattern, few enough for every progress event. */
export const MAX_REPORT_EXAMPLES = 5;

export class ReportBuilder {
  readonly report: FormatReport;

  constructor(format: OutputFormat) {
    this.report = { format, rulesRead: 0, rulesWritten: 0, dropped: {}, narrowed: {}, widened: {} };
  }

  written(): void {
    this.report.rulesRead++;
    this.report.rulesWritten++;
  }

  dropped(reason: DropReason, rule: string): void {
    this.report.rulesRead++;
    count(this.report.dropped, reason, rule);
  }

  /** `dropped` for line `index` of `list`, made a string only if it becomes an example. */
  droppedLine(reason: DropReason, list: LineList, index: number): void {
    const entry = this.report.dropped[reason];
    if (entry !== undefined && entry.examples.length >= MAX_REPORT_EXAMPLES) {
      this.report.rulesRead++;
      entry.count++;
    } else this.dropped(reason, list.get(index));
  }

  /** For a rule also counted as written. */
  narrowed(reason: NarrowReason, rule: string): void {
    count(this.report.narrowed, reason, rule);
  }

  /** `narrowed` for line `index` of `list`, made a string only if it becomes an example. */
  narrowedLine(reason: NarrowReason, list: LineList, index: number): void {
    const entry = this.report.narrowed[reason];
    if (entry !== undefined && entry.examples.length >= MAX_REPORT_EXAMPLES) entry.count++;
    else this.narrowed(reason, list.get(index));
  }

  /** For a rule also counted as written. */
  widened(reason: WidenReason, rule: string): void {
    count(this.report.widened, reason, rule);
  }
}

function count<Reason extends string>(counts: Partial<Record<Reason, ReasonCount>>, reason: Reason, rule: string) {
  const entry = counts[reason] ?? { count: 0, examples: [] };
  counts[reason] = entry;
  entry.count++;
  if (entry.examples.length < MAX_REPORT_EXAMPLES) entry.examples.push(rule.trim());
}

/** One line for logs and the CLI's `-v`: `hosts: 120 of 130 rules written; dropped: 8 cosmetic, 2 has_path`. */
export function describeFormatReport(report: FormatReport): string {
  const counts = (reasons: Partial<Record<string, ReasonCount>>) =>
    Object.entries(reasons)
      .map(([reason, count]) => `${count?.count} ${reason}`)
      .join(", ");
  let text = `${report.format}: ${report.rulesWritten} of ${report.rulesRead} rules written`;
  for (const [label, reasons] of [
    ["dropped", report.dropped],
    ["narrowed", report.narrowed],
    ["widened", report.widened],
  ] as const) {
    if (Object.keys(reasons).length > 0) text += `; ${label}: ${counts(reasons)}`;
  }
  return text;
}
