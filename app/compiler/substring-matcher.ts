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
  if (!automaton) return { test: (line) => needles.some((needle) => line.includes(needle)) };
  const { symbolOf, symbolCount, transitions, accepting } = automaton;
  return {
    test(line) {
      let state = 0;
      for (let index = 0; index < line.length; index++) {
        state = transitions[state * symbolCount + symbolOf[line.charCodeAt(index)]];
        if (accepting[state]) return true;
      }
      return false;
    },
  };
}

interface Automaton {
  /** Code unit → symbol; 0 for characters no needle contains. */
  symbolOf: Uint16Array;
  symbolCount: number;
  /** `state * symbolCount + symbol` → next state. */
  transitions: Int32Array;
  /** A needle ends in this state or in one of its suffix states. */
  accepting: Uint8Array;
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
  return { symbolOf, symbolCount, transitions, accepting };
}
