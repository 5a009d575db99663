import type { LineMatcher } from "./wildcard";

/**
 * Caps the automaton's transition table (4 bytes a cell; cells = states × distinct characters),
 * about 32 MB. Longer exclusion lists fall back to one `includes` per pattern.
 */
const MAX_TRANSITION_CELLS = 8_000_000;

/**
 * Whether a line contains any of many fixed strings, in one pass over the line: an Aho–Corasick
 * automaton turned into a table, so a long exclusion list costs no more per line than a short one.
 */
export function substringMatcher(needles: readonly string[]): LineMatcher {
  const automaton = buildAutomaton(needles);
  return automaton ? new SubstringAutomaton(automaton) : new IncludesAnyMatcher(needles);
}

/*
 * The matchers are classes rather than closures on purpose: V8 optimizes a closure for the values
 * it captured only while it is the only closure made at that spot; from the second compilation on,
 * a closure's loop ran 2.5–7 times slower than this class's (measured in the benchmark's process).
 */

/**
 * `line.charCodeAt(index)` without looking `charCodeAt` up on `line`. The lines of a compilation
 * come in more string representations than V8's lookup caches track (slices of a source, joined
 * strings, one-byte and two-byte: one non-Latin-1 character makes a whole source two-byte), so
 * `line.charCodeAt` and `line.length` in the loop became generic lookups for every character; the
 * loop ran four times slower inside a compilation than in isolation. Called through this constant,
 * TurboFan turns it back into a plain character load — as long as the constant stays one: a bundle
 * (the CLI's, the Worker's) makes it a `var`, and the other modules call the method on the string
 * instead (decision 0026).
 */
const charCodeAt = String.prototype.charCodeAt;

class SubstringAutomaton implements LineMatcher {
  private readonly symbolOf: Uint16Array;
  private readonly transitions: Int32Array;

  constructor({ symbolOf, transitions }: Automaton) {
    this.symbolOf = symbolOf;
    this.transitions = transitions;
  }

  test(line: string): boolean {
    const { symbolOf, transitions } = this;
    let row = 0;
    const length = line.length;
    for (let index = 0; index < length; index++) {
      const next = transitions[row + symbolOf[charCodeAt.call(line, index)]];
      if (next < 0) return true;
      row = next;
    }
    return false;
  }
}

class IncludesAnyMatcher implements LineMatcher {
  constructor(private readonly needles: readonly string[]) {}

  test(line: string): boolean {
    for (const needle of this.needles) {
      if (line.includes(needle)) return true;
    }
    return false;
  }
}

interface Automaton {
  /** Code unit → symbol; 0 for characters no needle contains. */
  symbolOf: Uint16Array;
  /**
   * `row + symbol` → the next state's row (`state × symbol count`), or -1 when a needle ends there
   * (or in one of its suffix states): the line matches, nothing else is needed. One load a character.
   */
  transitions: Int32Array;
}

function buildAutomaton(needles: readonly string[]): Automaton | null {
  const symbolOf = new Uint16Array(65536);
  let symbolCount = 1;
  const trie: Map<number, number>[] = [new Map()];
  const ends: boolean[] = [false];
  for (const needle of needles) {
    let state = 0;
    for (let index = 0; index < needle.length; index++) {
      const code = needle.charCodeAt(index);
      if (symbolOf[code] === 0) symbolOf[code] = symbolCount++;
      const symbol = symbolOf[code];
      let next = trie[state].get(symbol);
      if (next === undefined) {
        next = trie.length;
        trie.push(new Map());
        ends.push(false);
        trie[state].set(symbol, next);
      }
      state = next;
    }
    ends[state] = true;
  }
  if (trie.length * symbolCount > MAX_TRANSITION_CELLS) return null;

  const transitions = new Int32Array(trie.length * symbolCount);
  const accepting = Uint8Array.from(ends, Number);
  const failure = new Int32Array(trie.length);
  const queue: number[] = [];
  for (const [symbol, child] of trie[0]) {
    transitions[symbol] = child;
    queue.push(child);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head];
    const row = state * symbolCount;
    const failureRow = failure[state] * symbolCount;
    for (let symbol = 1; symbol < symbolCount; symbol++) {
      const child = trie[state].get(symbol);
      if (child === undefined) {
        transitions[row + symbol] = transitions[failureRow + symbol];
        continue;
      }
      transitions[row + symbol] = child;
      failure[child] = transitions[failureRow + symbol];
      if (accepting[failure[child]]) accepting[child] = 1;
      queue.push(child);
    }
  }
  for (let cell = 0; cell < transitions.length; cell++) {
    const state = transitions[cell];
    transitions[cell] = accepting[state] ? -1 : state * symbolCount;
  }
  return { symbolOf, transitions };
}
