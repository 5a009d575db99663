import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { nextRangeHash, type RangeKeys, RangeSet, rangeHash } from "../range-set";
import { release } from "../release";
import {
  etcHostsHostnames,
  isBlockedHostnameRuleRange,
  isEtcHostsRuleRange,
  isJsWhitespace,
  isJustDomainRange,
  type ScannedHostname,
  scanBlockedHostnameRule,
  scanSimpleEtcHostsHostname,
} from "../rule";

/** What a line turns into (the low bits of its byte in `kinds`). */
enum Kind {
  /** Not a plain blocking rule: stays as it is. */
  Other = 0,
  /** Its hostname already has a rule above, or a parent domain is blocked: dropped. */
  Dropped = 1,
  /** `0.0.0.0 hostname` or `example.org`: becomes `||hostname^` (the hostname is a range of the line). */
  ToRule = 2,
  /** `||example.org^` as it is: stays. */
  Rule = 3,
  /** A blocking rule whose hostname took parsing to find (white space, an empty `$`): stays. */
  ParsedRule = 4,
  /** Any other /etc/hosts line: a rule for each of its hostnames not seen before. */
  HostsLine = 5,
}

/** Set in `kinds` for a line whose hostname a blocked parent domain covers: it is dropped. */
const COVERED = 0x80;
/** A hostname's offset in its line is kept in a byte; a hostname further in is copied instead. */
const MAX_HOSTNAME_OFFSET = 255;
/**
 * A hostname parsed from an /etc/hosts line of several costs about four plain lines' memory until
 * it is written (a string, its id, its rule; measured: one line of 1.5M hostnames took 230 MB), so
 * it counts four times against the list's `lines` limit — before the line is split.
 */
const PARSED_HOSTNAME_LINES = 4;
/** `Hostnames`' first-dot offset when it does not fit its byte: the parent walk reads the whole hostname. */
const WHOLE_HOSTNAME = 255;

/**
 * Converts /etc/hosts lines and bare domains to `||hostname^` rules, keeps the first rule for each
 * hostname, and drops rules already covered by a rule for a parent domain (`||sub.example.org^`
 * when `||example.org^` exists). Rules that do not block a plain hostname pass through unchanged.
 *
 * Four passes: the first classifies each line and hashes its hostname, the second keeps the first
 * line of each hostname, the third drops the lines a blocked parent domain covers, and the fourth
 * writes the result in place. Hostnames stay ranges of their lines (see `Hostnames`), so the set
 * of them costs a few bytes per line.
 */
export function compress(lines: LineList, observer?: StepObserver): LineList {
  const kinds = new Uint8Array(lines.length);
  const hostnames = new Hostnames(lines, kinds);
  /** For `ParsedRule` and `HostsLine`: the ids of the hostnames the line keeps. */
  const parsedHostnameIds = new Map<number, number[]>();
  const hashes = new Int32Array(lines.length);
  const hostnameCount = classifyLines(lines, kinds, hostnames, hashes, parsedHostnameIds);
  // sized for the hostnames found, not every line; filtered: the third pass asks for every parent
  // domain, and few of them are blocked
  const blocked = new RangeSet(hostnames, hostnameCount, true);
  keepFirstHostnames(kinds, hashes, parsedHostnameIds, blocked);
  release(hashes);
  markCoveredLines(kinds, hostnames, parsedHostnameIds, blocked);

  if (observer) explainCompress(lines, kinds, hostnames, parsedHostnameIds, blocked, observer);
  blocked.release();
  lines.rewrite((index, writer) => {
    // a covered line (its `COVERED` bit set) matches no case: it is dropped
    switch (kinds[index] as Kind) {
      case Kind.Other:
      case Kind.Rule:
      case Kind.ParsedRule:
        writer.keep();
        break;
      case Kind.ToRule:
        writer.write(`||${hostnames.textOf(index).substring(hostnames.startOf(index), hostnames.endOf(index))}^`);
        break;
      case Kind.HostsLine:
        for (const id of parsedHostnameIds.get(index)!) writer.write(`||${hostnames.textOf(id)}^`);
        break;
    }
  });
  hostnames.release();
  release(kinds);
  return lines;
}

/**
 * The first pass: each line's kind, and for a line that blocks one hostname its range and hash
 * (`hashes`, by line), computed while the line is in the processor's cache. Returns how many
 * hostnames the lines block, repeats included: the size of the set of them.
 */
function classifyLines(
  lines: LineList,
  kinds: Uint8Array,
  hostnames: Hostnames,
  hashes: Int32Array,
  parsedHostnameIds: Map<number, number[]>,
): number {
  let hostnameCount = 0;
  let parsedHostnames = 0;
  const found: ScannedHostname = { start: 0, hash: 0, firstDot: -1 };
  for (let index = 0; index < lines.length; index++) {
    // read in place: most lines are decided without a string of their own
    const text = lines.textOf(index);
    const start = lines.startOf(index);
    const end = lines.endOf(index);
    if (start === end) continue;
    const first = text.charCodeAt(start);
    // a line starting with `|` is no /etc/hosts line or domain, one with white space can only be
    // a rule `compressibleHostname` trims, and one starting otherwise is no `||` rule
    if (first === 124 /* | */) {
      if (scanBlockedHostnameRule(text, start, end, found)) {
        // `||example.org^`: what `compressibleHostname` finds, without trimming or parsing
        hostnames.setRange(index, 2, found.firstDot, end - 1 - found.start);
        kinds[index] = Kind.Rule;
        hashes[index] = found.hash;
        hostnameCount++;
        continue;
      }
    } else if (!isJsWhitespace(first)) {
      if (scanSimpleEtcHostsHostname(text, start, end, found) && found.start - start <= MAX_HOSTNAME_OFFSET) {
        hostnames.setRange(index, found.start - start, found.firstDot, end - found.start);
        kinds[index] = Kind.ToRule;
        hashes[index] = found.hash;
        hostnameCount++;
      } else if (isEtcHostsRuleRange(text, start, end)) {
        const line = lines.get(index);
        parsedHostnames += fieldCount(line);
        lines.checkLines(lines.length + parsedHostnames * PARSED_HOSTNAME_LINES);
        const lineHostnames = etcHostsHostnames(line);
        // The reference crashes on an /etc/hosts line without hostnames (`1  #x`); we keep the line.
        if (lineHostnames.length > 0) {
          kinds[index] = Kind.HostsLine;
          parsedHostnameIds.set(
            index,
            lineHostnames.map((hostname) => hostnames.addParsed(hostname)),
          );
          hostnameCount += lineHostnames.length;
        }
      } else if (isJustDomainRange(text, start, end)) {
        let dot = start;
        while (text.charCodeAt(dot) !== 46 /* . */) dot++; // a domain has one
        hostnames.setRange(index, 0, dot - start, end - start);
        kinds[index] = Kind.ToRule;
        hashes[index] = rangeHash(text, start, end);
        hostnameCount++;
      }
      continue;
    }
    const hostname = compressibleHostname(text, start, end);
    if (hostname !== null) {
      kinds[index] = Kind.ParsedRule;
      parsedHostnameIds.set(index, [hostnames.addParsed(hostname)]);
      hostnameCount++;
    }
  }
  return hostnameCount;
}

/**
 * The second pass, in line order: a hostname seen before drops its line (or, on an /etc/hosts
 * line of several, is left out). A loop of little else than the set's random reads, which the
 * processor then overlaps: adding each hostname as its line was classified took about a tenth
 * longer than the two passes, although a repeated hostname is compared with the first while its
 * line is still in the cache there.
 */
function keepFirstHostnames(
  kinds: Uint8Array,
  hashes: Int32Array,
  parsedHostnameIds: Map<number, number[]>,
  blocked: RangeSet,
): void {
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index] as Kind;
    if (kind === Kind.ToRule || kind === Kind.Rule) {
      if (!blocked.add(index, hashes[index])) kinds[index] = Kind.Dropped;
    } else if (kind === Kind.ParsedRule) {
      if (!blocked.add(parsedHostnameIds.get(index)![0])) kinds[index] = Kind.Dropped;
    } else if (kind === Kind.HostsLine) {
      parsedHostnameIds.set(
        index,
        parsedHostnameIds.get(index)!.filter((id) => blocked.add(id)),
      );
    }
  }
}

/**
 * The third pass: flags the lines whose hostname a blocked parent domain covers, and leaves such
 * hostnames out of /etc/hosts lines. A covered line keeps its kind: `hostnames` reads the kind to
 * find the hostname, and the hostname may still be a parent of another.
 */
function markCoveredLines(
  kinds: Uint8Array,
  hostnames: Hostnames,
  parsedHostnameIds: Map<number, number[]>,
  blocked: RangeSet,
): void {
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index] as Kind;
    if (kind === Kind.ToRule || kind === Kind.Rule) {
      if (coveringParentStart(hostnames, index, blocked) !== -1) kinds[index] |= COVERED;
    } else if (kind === Kind.ParsedRule || kind === Kind.HostsLine) {
      const ids = parsedHostnameIds.get(index)!.filter((id) => coveringParentStart(hostnames, id, blocked) === -1);
      if (kind === Kind.ParsedRule && ids.length === 0) kinds[index] |= COVERED;
      parsedHostnameIds.set(index, ids);
    }
  }
}

/** Runs of characters other than white space: at least the hostnames of an /etc/hosts line. */
function fieldCount(line: string): number {
  let count = 0;
  let inField = false;
  for (let index = 0; index < line.length; index++) {
    const inside = !isJsWhitespace(line.charCodeAt(index));
    if (inside && !inField) count++;
    inField = inside;
  }
  return count;
}

/**
 * The hostnames Compress collects: id `n` < the number of lines is a range of line `n` (its offset
 * in the line kept in a byte; it runs to the line's end, or to the `^` of a `Kind.Rule`); larger
 * ids are hostnames found by parsing, kept as strings of their own. Line ranges are read from the
 * list, so they must be read before the list is rewritten.
 */
class Hostnames implements RangeKeys {
  private readonly lineCount: number;
  private readonly startOffsets: Uint8Array;
  /**
   * For a line's hostname: where its first dot is, from its start; `WHOLE_HOSTNAME` when unknown.
   * The parent domains all start after it, so the walk for them (`coveringParentStart`) stops
   * there: the first label, about a third of a hostname, is not read again.
   */
  private readonly firstDotOffsets: Uint8Array;
  private readonly parsed: string[] = [];

  constructor(
    private readonly lines: LineList,
    private readonly kinds: Uint8Array,
  ) {
    this.lineCount = lines.length;
    this.startOffsets = new Uint8Array(lines.length);
    this.firstDotOffsets = new Uint8Array(lines.length).fill(WHOLE_HOSTNAME);
  }

  /** Frees the hostname offsets (see `release`); no hostname can be read afterwards. */
  release(): void {
    release(this.startOffsets, this.firstDotOffsets);
  }

  /**
   * Line `index`'s hostname starts `startOffset` characters into the line, has its first dot
   * `firstDotOffset` characters into the hostname (-1: none) and is `length` characters long.
   */
  setRange(index: number, startOffset: number, firstDotOffset: number, length: number): void {
    this.startOffsets[index] = startOffset;
    // a hostname without a dot has no parent domain: the walk for one reads nothing
    const offset = firstDotOffset === -1 ? length : firstDotOffset;
    if (offset < WHOLE_HOSTNAME) this.firstDotOffsets[index] = offset;
  }

  /** Returns the id of a hostname found by parsing. */
  addParsed(hostname: string): number {
    this.parsed.push(hostname);
    return this.lineCount + this.parsed.length - 1;
  }

  /** Where the walk for the parent domains of hostname `id` may stop: its first dot, or its start. */
  parentsStartOf(id: number): number {
    if (id >= this.lineCount || this.firstDotOffsets[id] === WHOLE_HOSTNAME) return this.startOf(id);
    return this.startOf(id) + this.firstDotOffsets[id];
  }

  textOf(id: number): string {
    return id < this.lineCount ? this.lines.textOf(id) : this.parsed[id - this.lineCount];
  }

  startOf(id: number): number {
    return id < this.lineCount ? this.lines.startOf(id) + this.startOffsets[id] : 0;
  }

  endOf(id: number): number {
    if (id >= this.lineCount) return this.parsed[id - this.lineCount].length;
    return this.lines.endOf(id) - ((this.kinds[id] & ~COVERED) === Kind.Rule ? 1 : 0);
  }
}

/**
 * The hostname of a plain blocking rule like `||example.org^` (no exception, no modifiers: only
 * those can be merged) in line `text.substring(start, end)`, as the reference finds it: the trimmed
 * line parsed as an adblock rule (`parseAdblockRule`), its pattern read by `blockedHostname`. Read
 * in place, so the lines that are no such rule make no string.
 */
function compressibleHostname(text: string, lineStart: number, lineEnd: number): string | null {
  let start = lineStart;
  let end = lineEnd;
  while (start < end && isJsWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isJsWhitespace(text.charCodeAt(end - 1))) end--;
  // An exception (`@@`) is never merged, and any other rule's pattern starts where the line does.
  if (end - start < 4 || text.charCodeAt(start) !== 124 /* | */ || text.charCodeAt(start + 1) !== 124) {
    return null;
  }
  const separator = optionsSeparator(text, start, end);
  // every `$` escaped: the pattern is the whole line, which no hostname rule is
  if (separator === ESCAPED_DOLLARS_ONLY) return null;
  if (separator !== -1) {
    // `$` then commas only is no modifier at all; anything else is one
    for (let index = separator + 1; index < end; index++) {
      if (text.charCodeAt(index) !== 44 /* , */) return null;
    }
    end = separator;
  }
  return isBlockedHostnameRuleRange(text, start, end) ? text.substring(start + 2, end - 1) : null;
}

/** What `optionsSeparator` returns for a line whose every `$` is escaped. */
const ESCAPED_DOLLARS_ONLY = -2;

/**
 * The `$` `parseAdblockRule` splits `text.substring(start, end)` at (the last one not escaped by a
 * backslash), as an index of `text`; -1 when the line has no `$`.
 */
function optionsSeparator(text: string, start: number, end: number): number {
  let found = -1;
  for (let index = end - 1; index >= start; index--) {
    if (text.charCodeAt(index) !== 36 /* $ */) continue;
    if (index === start || text.charCodeAt(index - 1) !== 92 /* \ */) return index;
    found = ESCAPED_DOLLARS_ONLY;
  }
  return found;
}

/**
 * Where the blocked parent domain of hostname `id` starts in `hostnames.textOf(id)`, or -1 when no
 * parent is blocked. Walking the hostname from the end gives the hash of each parent as it goes,
 * so a parent is never copied or hashed twice.
 */
function coveringParentStart(hostnames: Hostnames, id: number, blocked: RangeSet): number {
  const text = hostnames.textOf(id);
  const stop = hostnames.parentsStartOf(id);
  const end = hostnames.endOf(id);
  let hash = 0; // of the characters after `index`
  for (let index = end - 1; index >= stop; index--) {
    const code = text.charCodeAt(index);
    if (code === 46 /* . */ && index + 1 < end && blocked.has(text, index + 1, end, hash)) return index + 1;
    hash = nextRangeHash(hash, code);
  }
  return -1;
}

/**
 * For an explained compile, before the list is rewritten: the lines that become rules first (so
 * a covering rule is known by its new text, `||com^` from `0.0.0.0 com`), then each dropped line
 * with the rule that covers it.
 */
function explainCompress(
  lines: LineList,
  kinds: Uint8Array,
  hostnames: Hostnames,
  parsedHostnameIds: Map<number, number[]>,
  blocked: RangeSet,
  observer: StepObserver,
): void {
  const hostnameOf = (id: number) => hostnames.textOf(id).substring(hostnames.startOf(id), hostnames.endOf(id));
  for (let index = 0; index < lines.length; index++) {
    if (kinds[index] === Kind.ToRule) observer.changed(lines.get(index), `||${hostnameOf(index)}^`, "converted");
    if (kinds[index] === Kind.HostsLine) {
      for (const id of parsedHostnameIds.get(index)!)
        observer.changed(lines.get(index), `||${hostnameOf(id)}^`, "converted");
    }
  }
  for (let index = 0; index < lines.length; index++) {
    const kind = kinds[index];
    if (kind === Kind.Dropped) {
      observer.removed(lines.get(index), "duplicate");
    } else if (kind === Kind.HostsLine) {
      // each hostname of the line is a rule of its own: those not written were dropped
      const written = new Set(parsedHostnameIds.get(index)!.map(hostnameOf));
      for (const hostname of etcHostsHostnames(lines.get(index))) {
        if (written.has(hostname)) continue;
        const parentStart = coveringParentStart(hostnames, hostnames.addParsed(hostname), blocked);
        if (parentStart === -1) observer.removed(`||${hostname}^`, "duplicate");
        else observer.removed(`||${hostname}^`, "covered", `||${hostname.substring(parentStart)}^`);
      }
    } else if (kind & COVERED) {
      const line = lines.get(index);
      // a covered parsed rule no longer lists its hostname: it is found again
      const id =
        (kind & ~COVERED) === Kind.ParsedRule
          ? hostnames.addParsed(compressibleHostname(line, 0, line.length)!)
          : index;
      const parent = hostnames.textOf(id).substring(coveringParentStart(hostnames, id, blocked), hostnames.endOf(id));
      observer.removed(line, "covered", `||${parent}^`);
    }
  }
}
