/**
 * The pass every hostname format shares (hosts, domains, dnsmasq, unbound, RPZ): one entry per
 * blocked hostname, the `@@` rules applied here because none of these formats can say "except",
 * and every rule that cannot be written counted with its reason. Two passes over the list, each
 * linear: the allowlist first (an `@@` rule may come after the rule it allows), then the entries.
 */
import type { LineList } from "../line-list";
import { RangeSet, rangeHash } from "../range-set";
import { isComment } from "../rule";
import { Allowlist, HashFilter, isAllowLine } from "./allowlist";
import { convertComment, convertedHeader, type FormatContext, type FormatOutput } from "./context";
import { HostKeys } from "./host-keys";
import {
  type HostScope,
  hasUppercase,
  hostnameProblem,
  isBlank,
  isPlainSubtreeRule,
  RuleHosts,
  readRule,
} from "./read-rule";
import { type DropReason, type NarrowReason, type OutputFormat, ReportBuilder } from "./report";
import { TextBuilder } from "./text-builder";

/** Called through constants: see `substring-matcher.ts`. */
const { substring } = String.prototype;

/** A hostname format: how it writes comments and entries, and which kinds of entry it has. */
export interface HostFormat {
  format: OutputFormat;
  /** What starts a comment line. */
  comment: string;
  /** Lines between the header and the entries (RPZ's SOA, unbound's `server:`). */
  preamble?: (context: FormatContext) => string[];
  /** The entry that blocks a name alone; null when the format's entries always cover subdomains. */
  exact: readonly EntryLine[] | null;
  /** The entries that block a name and its subdomains; null when the format cannot say it. */
  subtree: readonly EntryLine[] | null;
}

/** A line of an entry: the text before the hostname and after it (`0.0.0.0 ` + host + ``). */
export interface EntryLine {
  before: string;
  after: string;
}

export function writeHostFormat(
  format: HostFormat,
  list: LineList,
  context: FormatContext,
  rulesUnique = false,
): FormatOutput {
  const writer = new HostListWriter(format, list, rulesUnique);
  for (const line of convertedHeader(context, format.format, format.comment)) writer.output.push(line);
  for (const line of format.preamble?.(context) ?? []) writer.output.push(line);
  for (let index = 0; index < list.length; index++) writer.writeLine(index);
  return writer.finish();
}

/** One pass of a hostname format over the list (a class, so V8 sees one shape at every call). */
class HostListWriter {
  readonly output: TextBuilder;
  private readonly report: ReportBuilder;
  private readonly rule = new RuleHosts();
  private readonly allowlist: Allowlist | null;
  private readonly keys: HostKeys;
  private readonly exactWritten: RangeSet;
  private readonly subtreeWritten: RangeSet;
  /**
   * When the list's rules are unique: the hashes of the names of every rule but a plain
   * `||host^`. Two different plain rules name two different hosts, so a plain rule's name can
   * only have been written before, or be written again, by one of those rules: a name whose hash
   * is not here goes in no set, and its entry is written without a lookup. The sets' random reads
   * were the pass's largest cost, and grew faster than the list (their tables outgrow the caches).
   * Null: every name is looked up.
   */
  private readonly otherNames: HashFilter | null;

  constructor(
    private readonly format: HostFormat,
    private readonly list: LineList,
    rulesUnique: boolean,
  ) {
    this.report = new ReportBuilder(format.format);
    const linesPerEntry = Math.max(format.exact?.length ?? 0, format.subtree?.length ?? 0);
    this.output = new TextBuilder(textLength(list) * linesPerEntry + list.length * entryOverhead(format));
    this.allowlist = Allowlist.read(list, this.rule, this.report);
    this.otherNames = rulesUnique ? otherRuleNames(list, this.rule) : null;
    // with unique rules, only the names `otherNames` may have go in the sets
    const capacity = this.otherNames === null ? list.length : this.otherNames.names;
    this.keys = new HostKeys(list, capacity);
    // only the sets of the entries the format has: a table sized for every line costs 11 bytes a line
    this.exactWritten = new RangeSet(this.keys, format.exact ? capacity : 0);
    this.subtreeWritten = new RangeSet(this.keys, format.subtree ? capacity : 0);
  }

  writeLine(index: number): void {
    const { report, rule } = this;
    const line = this.list.get(index);
    // most lines of a compiled list are `||hostname^`: read in one scan
    if (isPlainSubtreeRule(line)) {
      this.writeHost(line, index, 2, line.length - 1, "subtree", true);
      return;
    }
    if (isBlank(line)) return;
    if (isComment(line)) {
      this.output.push(convertComment(line, this.format.comment));
      return;
    }
    if (isAllowLine(line)) return; // read and counted by `Allowlist.read`
    const problem = readRule(line, rule);
    if (problem !== null) {
      report.dropped(problem, line);
      return;
    }
    for (let host = 0; host < rule.count; host++) {
      const start = rule.starts[host];
      const end = rule.ends[host];
      const hostProblem = hostnameProblem(line, start, end);
      if (hostProblem === null) this.writeHost(line, index, start, end, rule.scope, false);
      else report.dropped(hostProblem, line);
    }
  }

  finish(): FormatOutput {
    this.exactWritten.release();
    this.subtreeWritten.release();
    this.keys.release();
    this.allowlist?.release();
    this.otherNames?.release();
    this.output.push("");
    return { format: this.format.format, text: this.output.text(), report: this.report.report };
  }

  private writeEntry(lines: readonly EntryLine[], text: string, start: number, end: number): void {
    for (const line of lines) {
      this.output.newLine();
      this.output.write(line.before);
      this.output.write(text, start, end);
      this.output.write(line.after);
    }
  }

  /**
   * Writes the entry for the hostname at `start`–`end` of line `index`, or counts why not.
   * `plain`: the line is a plain `||host^` (lowercase, so its name is its own key).
   */
  private writeHost(line: string, index: number, start: number, end: number, scope: HostScope, plain: boolean): void {
    const { format, keys, allowlist, report, otherNames } = this;
    // a plain rule's name becomes a key only if another rule may name it too (see `otherNames`)
    let id = -1;
    let text: string;
    let keyStart: number;
    let keyEnd: number;
    if (plain && otherNames !== null) {
      text = this.list.textOf(index);
      keyStart = this.list.startOf(index) + start;
      keyEnd = keyStart + end - start;
    } else {
      id = hasUppercase(line, start, end)
        ? keys.addCopy(substring.call(line, start, end).toLowerCase())
        : keys.addRange(index, start, end);
      text = keys.textOf(id);
      keyStart = keys.startOf(id);
      keyEnd = keys.endOf(id);
    }
    let written: HostScope =
      scope === "subtree" ? (format.subtree ? "subtree" : "exact") : format.exact ? "exact" : "subtree";
    let narrowed: NarrowReason | null = scope === "subtree" && written === "exact" ? "subdomains_not_covered" : null;
    let problem: DropReason | null = null;
    let hash: number;
    if (allowlist === null) {
      hash = rangeHash(text, keyStart, keyEnd);
    } else if (allowlist.covers(text, keyStart, keyEnd)) {
      hash = 0;
      problem = "allowlisted";
    } else {
      hash = allowlist.lastHash;
      if (allowlist.allowsExactly(text, keyStart, keyEnd, hash)) {
        problem = "allowlisted";
      } else if (written === "subtree" && allowlist.isParentOfAllowed(text, keyStart, keyEnd, hash)) {
        if (format.exact) {
          written = "exact";
          narrowed = "subdomain_allowlisted";
        } else {
          problem = "allowlisted";
        }
      }
    }
    if (problem === null && id === -1) {
      if (otherNames!.mayHave(hash)) id = keys.addRange(index, start, end);
      else this.writeEntry(written === "exact" ? format.exact! : format.subtree!, text, keyStart, keyEnd);
    }
    if (problem === null && id !== -1) {
      if (written === "exact") {
        if (this.subtreeWritten.has(text, keyStart, keyEnd, hash) || !this.exactWritten.add(id, hash)) {
          problem = "duplicate";
        } else this.writeEntry(format.exact!, text, keyStart, keyEnd);
      } else if (!this.subtreeWritten.add(id, hash)) {
        problem = "duplicate";
      } else {
        this.writeEntry(format.subtree!, text, keyStart, keyEnd);
      }
    }
    if (problem !== null) {
      if (id !== -1) keys.pop(); // in no set
      report.dropped(problem, line);
      return;
    }
    report.written();
    if (narrowed !== null) report.narrowed(narrowed, line);
    if (scope === "exact" && written === "subtree") report.widened("subdomains_added", line);
  }
}

/**
 * The names of the rules other than a plain `||host^` (which `readRule` reads, as `writeLine`
 * does), as hashes of their keys: every name such a rule may write, and some it will not.
 */
function otherRuleNames(list: LineList, rule: RuleHosts): HashFilter {
  const hashes: number[] = [];
  for (let index = 0; index < list.length; index++) {
    const line = list.get(index);
    if (isPlainSubtreeRule(line) || isBlank(line) || isComment(line) || isAllowLine(line)) continue;
    if (readRule(line, rule) !== null) continue;
    for (let host = 0; host < rule.count; host++) {
      const start = rule.starts[host];
      const end = rule.ends[host];
      hashes.push(
        hasUppercase(line, start, end)
          ? rangeHash(substring.call(line, start, end).toLowerCase(), 0, end - start)
          : rangeHash(line, start, end),
      );
    }
  }
  const filter = new HashFilter(hashes.length);
  for (const hash of hashes) filter.add(hash);
  return filter;
}

/** The list's length as text: the output's first guess (entries are about as long as their rules). */
export function textLength(list: LineList): number {
  let length = list.length;
  for (let index = 0; index < list.length; index++) length += list.endOf(index) - list.startOf(index);
  return length;
}

/**
 * The most an entry adds to its hostname (prefixes, suffixes, line breaks), which is shorter than
 * its rule: with the list's length times the lines per entry, a bound on the output, so its buffer
 * never grows (growing by doubling had made unbound and RPZ, whose entries are longer than their
 * rules, copy and hold twice their output).
 */
function entryOverhead(format: HostFormat): number {
  const overhead = (lines: readonly EntryLine[] | null) =>
    (lines ?? []).reduce((total, line) => total + line.before.length + line.after.length + 1, 0);
  return Math.max(overhead(format.exact), overhead(format.subtree));
}
