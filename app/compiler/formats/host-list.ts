/**
 * The pass every hostname format shares (hosts, domains, dnsmasq, unbound, RPZ): one entry per
 * blocked hostname, the `@@` rules applied here because none of these formats can say "except",
 * and every rule that cannot be written counted with its reason. Two passes over the list, each
 * linear: one that reads the `@@` rules (an `@@` rule may come after the rule it allows) and marks
 * the plain `||host^` rules, then the entries.
 */
import type { LineList } from "../line-list";
import { nextRangeHash, RangeSet, rangeHash } from "../range-set";
import { release } from "../release";
import { isComment } from "../rule";
import { Allowlist, HashFilter, isAllowRange } from "./allowlist";
import { bytesOutput, convertComment, convertedHeader, type FormatContext, type FormatOutput } from "./context";
import { HostKeys } from "./host-keys";
import { ListBytes } from "./list-bytes";
import {
  type HostScope,
  hasUppercase,
  hostnameProblem,
  isBlank,
  isModifiedRuleRange,
  isPlainSubtree,
  RuleHosts,
  readRule,
} from "./read-rule";
import { type DropReason, type NarrowReason, type OutputFormat, ReportBuilder } from "./report";
import { TextBuilder } from "./text-builder";

/** Called through constants: see `substring-matcher.ts`. */
const { substring } = String.prototype;

const DOT = 46;

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

/** An entry's lines (one or two) as ASCII bytes, copied into the output without a string per line. */
interface EntryBytes {
  before: Uint8Array[];
  after: Uint8Array[];
  lines: number;
  /** Bytes of the entry besides its names: newlines, befores and afters. */
  fixedBytes: number;
}

const encoder = new TextEncoder();

function entryBytes(lines: readonly EntryLine[]): EntryBytes {
  if (lines.length < 1 || lines.length > 2) throw new Error("an entry is one or two lines");
  const before = lines.map((line) => encoder.encode(line.before));
  const after = lines.map((line) => encoder.encode(line.after));
  const fixedBytes = lines.reduce((total, _, index) => total + 1 + before[index].length + after[index].length, 0);
  return { before, after, lines: lines.length, fixedBytes };
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

/**
 * What `scan` found a line to be (`HostListWriter.kinds`): 0 for a comment or a rule with names to
 * write (read again when written), else one of these; a drop reason is `DROPPED` + its index in
 * `reasons`.
 */
/** `||host^` with a plain lowercase name (`isPlainSubtree`): written from the list's bytes. */
const PLAIN = 1;
/** An `@@` rule: read into the allowlist and counted by `scan`. */
const ALLOW = 2;
const BLANK = 3;
const DROPPED = 4;

/** One pass of a hostname format over the list (a class, so V8 sees one shape at every call). */
class HostListWriter {
  readonly output: TextBuilder;
  private readonly report: ReportBuilder;
  private readonly rule = new RuleHosts();
  /** The list's text as bytes, where the plain lines are read (both passes go through it in order). */
  private readonly bytes: ListBytes;
  /**
   * Each line's kind, read once by `scan`: the writing pass then reads no rule twice (a rule it
   * cannot write is counted from here, its line made a string only if it becomes an example).
   */
  private readonly kinds: Uint8Array;
  /** The drop reasons `kinds` refers to. */
  private readonly reasons: DropReason[] = [];
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
  /** The entry lines of each kind, as bytes (`TextBuilder.writeEntry`). */
  private readonly exactEntry: EntryBytes | null;
  private readonly subtreeEntry: EntryBytes | null;

  constructor(
    private readonly format: HostFormat,
    private readonly list: LineList,
    rulesUnique: boolean,
  ) {
    this.report = new ReportBuilder(format.format);
    this.output = new TextBuilder();
    this.exactEntry = format.exact && entryBytes(format.exact);
    this.subtreeEntry = format.subtree && entryBytes(format.subtree);
    this.kinds = new Uint8Array(list.length);
    this.bytes = new ListBytes(list);
    const { allowlist, otherNames } = this.scan(rulesUnique);
    this.allowlist = allowlist;
    this.otherNames = otherNames;
    // with unique rules, only the names `otherNames` may have go in the sets
    const capacity = otherNames === null ? list.length : otherNames.names;
    this.keys = new HostKeys(list, capacity);
    // only the sets of the entries the format has: a table sized for every line costs 11 bytes a line
    this.exactWritten = new RangeSet(this.keys, format.exact ? capacity : 0);
    this.subtreeWritten = new RangeSet(this.keys, format.subtree ? capacity : 0);
  }

  writeLine(index: number): void {
    const { report, rule, list } = this;
    const kind = this.kinds[index];
    // most lines of a compiled list are `||hostname^`: marked by `scan`, written from the list's text
    if (kind === PLAIN) {
      if (this.otherNames === null) {
        this.writeHost(null, index, list.startOf(index) + 2, list.endOf(index) - 1, "subtree", true);
      } else this.writePlain(index);
      return;
    }
    if (kind === ALLOW || kind === BLANK) return;
    if (kind >= DROPPED) {
      report.droppedLine(this.reasons[kind - DROPPED], list, index);
      return;
    }
    const line = list.get(index);
    if (isComment(line)) {
      this.output.push(convertComment(line, this.format.comment));
      return;
    }
    readRule(line, rule); // null: `scan` read it
    const offset = list.startOf(index);
    for (let host = 0; host < rule.count; host++) {
      const start = rule.starts[host];
      const end = rule.ends[host];
      const hostProblem = hostnameProblem(line, start, end);
      if (hostProblem === null) this.writeHost(line, index, offset + start, offset + end, rule.scope, false);
      else report.dropped(hostProblem, line);
    }
  }

  finish(): FormatOutput {
    this.exactWritten.release();
    this.subtreeWritten.release();
    this.keys.release();
    this.allowlist?.release();
    this.otherNames?.release();
    this.bytes.release();
    release(this.kinds);
    this.output.push("");
    return bytesOutput(this.format.format, this.output.blocks(), this.report.report);
  }

  /**
   * The first pass: marks each line's kind — the plain `||host^` lines (most of a compiled list:
   * read in place, no string made), blank lines, and the rules that cannot be written with their
   * reason — reads the `@@` rules into the allowlist, and, when the rules are unique, hashes the
   * names of the other rules (`otherNames`).
   */
  private scan(rulesUnique: boolean): { allowlist: Allowlist | null; otherNames: HashFilter | null } {
    const { list, rule, kinds, bytes } = this;
    const allowlist = Allowlist.builder(list, bytes, rule, this.report, this.format.subtree !== null);
    const hashes: number[] = [];
    for (let index = 0; index < list.length; index++) {
      const text = list.textOf(index);
      const start = list.startOf(index);
      const end = list.endOf(index);
      if (bytes.load(index) && isPlainSubtree(bytes.bytes, start - bytes.offset, end - bytes.offset)) {
        kinds[index] = PLAIN;
        continue;
      }
      if (isAllowRange(text, start, end)) {
        kinds[index] = ALLOW;
        allowlist.add(index);
        continue;
      }
      if (isModifiedRuleRange(text, start, end)) {
        kinds[index] = this.droppedKind("has_modifiers");
        continue;
      }
      const line = list.get(index);
      if (isBlank(line)) {
        kinds[index] = BLANK;
        continue;
      }
      if (isComment(line)) continue;
      const problem = readRule(line, rule);
      if (problem !== null) {
        kinds[index] = this.droppedKind(problem);
        continue;
      }
      if (!rulesUnique) continue;
      for (let host = 0; host < rule.count; host++) {
        const hostStart = rule.starts[host];
        const hostEnd = rule.ends[host];
        hashes.push(
          hasUppercase(line, hostStart, hostEnd)
            ? rangeHash(substring.call(line, hostStart, hostEnd).toLowerCase(), 0, hostEnd - hostStart)
            : rangeHash(line, hostStart, hostEnd),
        );
      }
    }
    let otherNames: HashFilter | null = null;
    if (rulesUnique) {
      otherNames = new HashFilter(hashes.length);
      for (const hash of hashes) otherNames.add(hash);
    }
    return { allowlist: allowlist.build(), otherNames };
  }

  /** The kind of a line dropped for `reason`. */
  private droppedKind(reason: DropReason): number {
    let code = this.reasons.indexOf(reason);
    if (code === -1) code = this.reasons.push(reason) - 1;
    return DROPPED + code;
  }

  /** The entry of `entry`'s kind for the name at `start`–`end` of `text` (ASCII: `hostnameProblem` let it through). */
  private writeEntry(entry: EntryBytes, text: string, start: number, end: number): void {
    this.output.writeEntry(entry.before[0], text, start, end, entry.after[0]);
    if (entry.before.length > 1) this.output.writeEntry(entry.before[1], text, start, end, entry.after[1]);
  }

  /**
   * `writeHost` for a plain `||host^` line of a list whose rules are unique, as one straight path:
   * the name is read where it is and, unless `otherNames` may have it, goes in no set. Most of
   * the pass is this.
   */
  private writePlain(index: number): void {
    const { list, allowlist, report, output, bytes } = this;
    const text = list.textOf(index);
    const start = list.startOf(index) + 2;
    const end = list.endOf(index) - 1;
    bytes.load(index); // true: `scan` found the line plain there
    const source = bytes.bytes;
    // the name in `source`: a byte there is the character `shift` further on in `text`
    const shift = bytes.offset;
    const plainEntry = this.subtreeEntry ?? this.exactEntry!;
    let narrowed: NarrowReason | null = this.subtreeEntry === null ? "subdomains_not_covered" : null;
    // One walk from the end hashes the name, asks the allowlist about each parent domain (as
    // `Allowlist.covers`) and copies the name to where the entry's first line has it.
    const nameStart = output.beginEntry(plainEntry.before[0], plainEntry.fixedBytes + plainEntry.lines * (end - start));
    const { block } = output;
    const copyShift = nameStart - (start - shift);
    let hash = 0;
    let allowed = false;
    for (let offset = end - 1 - shift; offset >= start - shift; offset--) {
      const code = source[offset];
      block[copyShift + offset] = code;
      if (code === DOT && allowlist !== null && allowlist.allowsSubtree(text, offset + shift + 1, end, hash)) {
        allowed = true;
        break;
      }
      hash = nextRangeHash(hash, code);
    }
    let entry = plainEntry;
    if (allowlist !== null) {
      allowed ||= allowlist.allowsSubtree(text, start, end, hash) || allowlist.allowsExactly(text, start, end, hash);
      if (!allowed && narrowed === null && allowlist.isParentOfAllowed(text, start, end, hash)) {
        allowed = this.exactEntry === null;
        entry = this.exactEntry ?? entry;
        narrowed = "subdomain_allowlisted";
      }
      if (allowed) {
        report.droppedLine("allowlisted", list, index);
        return;
      }
    }
    // another rule may name it too: the sets decide (rarely; see `otherNames`)
    if (this.otherNames!.mayHave(hash)) {
      this.writeHost(null, index, start, end, "subtree", true);
      return;
    }
    if (entry.before[0] === plainEntry.before[0]) {
      const nameEnd = nameStart + end - start;
      output.endEntry(nameEnd, entry.after[0]);
      if (entry.lines === 2) output.repeatEntry(entry.before[1], nameStart, nameEnd, entry.after[1]);
    } else this.writeEntry(entry, text, start, end);
    report.written();
    if (narrowed !== null) report.narrowedLine(narrowed, list, index);
  }

  /**
   * Writes the entry for the hostname at `start`–`end` of line `index`'s text (offsets in
   * `list.textOf(index)`), or counts why not. `line`: the line as a string, or null when it was
   * not made (a plain line: made only for the report when it is dropped). `plain`: the line is a
   * plain `||host^` (lowercase, so its name is its own key).
   */
  private writeHost(
    line: string | null,
    index: number,
    start: number,
    end: number,
    scope: HostScope,
    plain: boolean,
  ): void {
    const { format, keys, allowlist, report, otherNames, list } = this;
    const lineText = list.textOf(index);
    const lineOffset = list.startOf(index);
    // a plain rule's name becomes a key only if another rule may name it too (see `otherNames`)
    let id = -1;
    let text = lineText;
    let keyStart = start;
    let keyEnd = end;
    if (!plain || otherNames === null) {
      id = hasUppercase(lineText, start, end)
        ? keys.addCopy(substring.call(lineText, start, end).toLowerCase())
        : keys.addRange(index, start - lineOffset, end - lineOffset);
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
      if (otherNames!.mayHave(hash)) id = keys.addRange(index, start - lineOffset, end - lineOffset);
      else this.writeEntry(written === "exact" ? this.exactEntry! : this.subtreeEntry!, text, keyStart, keyEnd);
    }
    if (problem === null && id !== -1) {
      if (written === "exact") {
        if (this.subtreeWritten.has(text, keyStart, keyEnd, hash) || !this.exactWritten.add(id, hash)) {
          problem = "duplicate";
        } else this.writeEntry(this.exactEntry!, text, keyStart, keyEnd);
      } else if (!this.subtreeWritten.add(id, hash)) {
        problem = "duplicate";
      } else {
        this.writeEntry(this.subtreeEntry!, text, keyStart, keyEnd);
      }
    }
    if (problem !== null) {
      if (id !== -1) keys.pop(); // in no set
      report.dropped(problem, line ?? list.get(index));
      return;
    }
    report.written();
    if (narrowed !== null) report.narrowedLine(narrowed, list, index);
    if (scope === "exact" && written === "subtree") report.widened("subdomains_added", line ?? list.get(index));
  }
}
