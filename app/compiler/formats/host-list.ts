/**
 * The pass every hostname format shares (hosts, domains, dnsmasq, unbound, RPZ): one entry per
 * blocked hostname, the `@@` rules applied here because none of these formats can say "except",
 * and every rule that cannot be written counted with its reason. Two passes over the list, each
 * linear: the allowlist first (an `@@` rule may come after the rule it allows), then the entries.
 */
import type { LineList } from "../line-list";
import { nextRangeHash, RangeSet, rangeHash } from "../range-set";
import { isComment, isJsWhitespace } from "../rule";
import { convertComment, convertedHeader, type FormatContext, type FormatOutput } from "./context";
import { HostKeys } from "./host-keys";
import { type HostScope, hasUppercase, hostnameProblem, isBlank, RuleHosts, readRule } from "./read-rule";
import { type DropReason, type NarrowReason, type OutputFormat, ReportBuilder } from "./report";
import { TextBuilder } from "./text-builder";

/** Called through constants: see `substring-matcher.ts`. */
const { charCodeAt, substring } = String.prototype;

const DOT = 46;

/** A hostname format: how it writes comments and entries, and which kinds of entry it has. */
export interface HostFormat {
  format: OutputFormat;
  /** What starts a comment line. */
  comment: string;
  /** Lines between the header and the entries (RPZ's SOA, unbound's `server:`). */
  preamble?: (context: FormatContext) => string[];
  /** The entry that blocks `host` alone; null when the format's entries always cover subdomains. */
  exact: ((host: string) => string) | null;
  /** The entries that block `host` and its subdomains; null when the format cannot say it. */
  subtree: ((host: string) => readonly string[]) | null;
}

export function writeHostFormat(format: HostFormat, list: LineList, context: FormatContext): FormatOutput {
  const report = new ReportBuilder(format.format);
  const output = new TextBuilder();
  for (const line of convertedHeader(context, format.format, format.comment)) output.push(line);
  for (const line of format.preamble?.(context) ?? []) output.push(line);

  const rule = new RuleHosts();
  const allowlist = readAllowlist(list, rule, report);
  const keys = new HostKeys(list, list.length);
  // only the sets of the entries the format has: a table per line costs 11 bytes
  const exactWritten = new RangeSet(keys, format.exact ? list.length : 0);
  const subtreeWritten = new RangeSet(keys, format.subtree ? list.length : 0);

  /** Writes the entry for a hostname of line `index`, or says why not (the key is then forgotten). */
  const writeEntry = (
    ruleText: string,
    index: number,
    start: number,
    end: number,
    scope: HostScope,
  ): DropReason | null => {
    const line = list.get(index);
    const id = hasUppercase(line, start, end)
      ? keys.addCopy(substring.call(line, start, end).toLowerCase())
      : keys.addRange(index, start, end);
    const text = keys.textOf(id);
    const keyStart = keys.startOf(id);
    const keyEnd = keys.endOf(id);
    const hash = rangeHash(text, keyStart, keyEnd);
    let written: HostScope =
      scope === "subtree" ? (format.subtree ? "subtree" : "exact") : format.exact ? "exact" : "subtree";
    let narrowed: NarrowReason | null = scope === "subtree" && written === "exact" ? "subdomains_not_covered" : null;
    if (allowlist !== null) {
      if (allowlist.covers(text, keyStart, keyEnd) || allowlist.exact.has(text, keyStart, keyEnd, hash)) {
        return "allowlisted";
      }
      if (written === "subtree" && allowlist.ancestors.has(text, keyStart, keyEnd, hash)) {
        if (!format.exact) return "allowlisted";
        written = "exact";
        narrowed = "subdomain_allowlisted";
      }
    }
    const host = substring.call(text, keyStart, keyEnd);
    if (written === "exact") {
      if (subtreeWritten.has(text, keyStart, keyEnd, hash) || !exactWritten.add(id)) return "duplicate";
      output.push(format.exact!(host));
    } else {
      if (!subtreeWritten.add(id)) return "duplicate";
      for (const entry of format.subtree!(host)) output.push(entry);
    }
    report.written();
    if (narrowed !== null) report.narrowed(narrowed, ruleText);
    if (scope === "exact" && written === "subtree") report.widened("subdomains_added", ruleText);
    return null;
  };

  for (let index = 0; index < list.length; index++) {
    const line = list.get(index);
    if (isBlank(line)) continue;
    if (isComment(line)) {
      output.push(convertComment(line, format.comment));
      continue;
    }
    if (isAllowLine(line)) continue; // read and counted by `readAllowlist`
    const problem = readRule(line, rule);
    if (problem !== null) {
      report.dropped(problem, line.trim());
      continue;
    }
    for (let host = 0; host < rule.count; host++) {
      const start = rule.starts[host];
      const end = rule.ends[host];
      const ruleText = line.trim();
      const hostProblem = hostnameProblem(line, start, end) ?? writeEntry(ruleText, index, start, end, rule.scope);
      if (hostProblem === null) continue;
      if (hostProblem === "allowlisted" || hostProblem === "duplicate") keys.pop();
      report.dropped(hostProblem, ruleText);
    }
  }
  exactWritten.release();
  subtreeWritten.release();
  keys.release();
  allowlist?.release();
  output.push("");
  return { format: format.format, text: output.text(), report: report.report };
}

/** The hostnames `@@` rules allow: with their subdomains (`@@||host^`) or alone (`@@|host^`). */
interface Allowlist {
  exact: RangeSet;
  subtree: RangeSet;
  /** Every parent domain of an allowed hostname: an entry for one of them would block it. */
  ancestors: RangeSet;
  /** Whether `@@||…^` allows this hostname (it or a parent domain of it). */
  covers(text: string, start: number, end: number): boolean;
  release(): void;
}

/** Counts every `@@` rule: applied, or dropped with its reason. Null when the list has none. */
function readAllowlist(list: LineList, rule: RuleHosts, report: ReportBuilder): Allowlist | null {
  let keys: HostKeys | null = null;
  let exact: RangeSet | null = null;
  let subtree: RangeSet | null = null;
  let ancestors: RangeSet | null = null;
  for (let index = 0; index < list.length; index++) {
    if (!isAllowRange(list.textOf(index), list.startOf(index), list.endOf(index))) continue;
    const line = list.get(index);
    const problem = readRule(line, rule) ?? hostnameProblem(line, rule.starts[0], rule.ends[0]);
    if (problem !== null) {
      report.dropped(problem, line.trim());
      continue;
    }
    report.dropped("allowlist_applied", line.trim());
    keys ??= new HostKeys(list);
    exact ??= new RangeSet(keys);
    subtree ??= new RangeSet(keys);
    ancestors ??= new RangeSet(keys);
    const start = rule.starts[0];
    const end = rule.ends[0];
    const id = hasUppercase(line, start, end)
      ? keys.addCopy(substring.call(line, start, end).toLowerCase())
      : keys.addRange(index, start, end);
    if (!(rule.scope === "subtree" ? subtree : exact).add(id)) {
      keys.pop(); // allowed twice: its parents are in already
      continue;
    }
    const text = keys.textOf(id);
    for (let offset = keys.startOf(id); offset < keys.endOf(id); offset++) {
      if (charCodeAt.call(text, offset) !== DOT) continue;
      if (!ancestors.add(keys.addSuffix(id, offset + 1))) keys.pop();
    }
  }
  if (keys === null || exact === null || subtree === null || ancestors === null) return null;
  const subtreeAllowed = subtree;
  return {
    exact,
    subtree,
    ancestors,
    covers(text, start, end) {
      let hash = 0;
      for (let offset = end - 1; offset >= start; offset--) {
        const code = charCodeAt.call(text, offset);
        // the hash so far is the parent domain's after the dot
        if (code === DOT && subtreeAllowed.has(text, offset + 1, end, hash)) return true;
        hash = nextRangeHash(hash, code);
      }
      return subtreeAllowed.has(text, start, end, hash);
    },
    release() {
      subtreeAllowed.release();
      exact.release();
      ancestors.release();
      keys.release();
    },
  };
}

/** `@@` after any leading white space (`readRule` trims), read without making the line a string. */
function isAllowRange(text: string, start: number, end: number): boolean {
  let offset = start;
  while (offset < end && isJsWhitespace(charCodeAt.call(text, offset))) offset++;
  return end - offset >= 2 && charCodeAt.call(text, offset) === 64 && charCodeAt.call(text, offset + 1) === 64;
}

function isAllowLine(line: string): boolean {
  return isAllowRange(line, 0, line.length);
}
