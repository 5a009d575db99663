import { release } from "./release";

/** Multiplier of the polynomial hash (odd, with bits spread over the word). */
const HASH_BASE = 0x01000193;
/**
 * A key whose probe sequence gets this long goes to a plain `Set` instead. The hash is not secret,
 * so a list can be made of keys that all hash alike; this bounds what each of them costs.
 */
const MAX_PROBES = 32;
/**
 * How full the table may get. Linear probing stays short up to about this (2.5 probes on average
 * for a key that is there, 8.5 for one that is not, each a comparison of hashes).
 */
const MAX_LOAD = 0.75;
/**
 * Bits of `RangeSet`'s membership filter per expected key: at this, about one `has` in ten for a
 * missing key gets past the filter to the table, and the filter (128 KB for 250 000 keys) stays in
 * the processor's cache where the table (2.7 MB) does not.
 */
const FILTER_BITS_PER_KEY = 4;

/**
 * The hash `RangeSet` uses, computed from the last character to the first: walking a hostname
 * backwards, the value at each dot is the hash of the parent domain after it (Compress relies on it).
 */
export function rangeHash(text: string, start: number, end: number): number {
  let hash = 0;
  for (let index = end - 1; index >= start; index--) hash = nextRangeHash(hash, text.charCodeAt(index));
  return hash;
}

/** The hash of a range one character longer at the front. */
export function nextRangeHash(hash: number, code: number): number {
  return (Math.imul(hash, HASH_BASE) + code) | 0;
}

/**
 * `rangeHash` computed from the first character on, for a scan that reads a range forwards anyway:
 * from `hash = 0` and `power = 1`, each character's code goes through `forwardRangeHash(hash, code,
 * power)` then `power = nextHashPower(power)`; after the last, `hash` is the range's `rangeHash`.
 * The two products are independent, so this costs a scan about what `rangeHash` alone costs.
 */
export function forwardRangeHash(hash: number, code: number, power: number): number {
  return (hash + Math.imul(code, power)) | 0;
}

/** See `forwardRangeHash`. */
export function nextHashPower(power: number): number {
  return Math.imul(power, HASH_BASE);
}

/**
 * Where the keys of a `RangeSet` are: key `id` is `textOf(id).substring(startOf(id), endOf(id))`.
 * A `LineList` is one (the id is the line's index).
 */
export interface RangeKeys {
  textOf(id: number): string;
  startOf(id: number): number;
  endOf(id: number): number;
}

/**
 * A set of strings that are ranges of other strings, known by number: it stores only the numbers
 * and their hashes, and reads the characters from `keys` when two hashes match. Adding a line of a
 * `LineList`, or the hostname inside one, allocates nothing, and an entry costs about 11 bytes
 * where a `Set` of strings took some 56 (the string and its slot): for a million-line list, the
 * difference between fitting a Worker's memory and not.
 */
export class RangeSet {
  /**
   * Two numbers per slot: the key's hash, then its id + 1 (0: the slot is empty). Side by side, so
   * that probing a slot reads one cache line: with the hashes in an array of their own, every
   * occupied slot passed cost another random read, and Deduplicate's time per line grew by half
   * from the 300k-line benchmark corpus to the 1.2M one (now by a few per cent). Any number of
   * slots, not only powers of two (see `homeSlot`).
   */
  private table: Int32Array;
  private slots: number;
  private count = 0;
  private overflow: Set<string> | null = null;
  /**
   * The hashes of the keys in `overflow`: a key with another hash is not there, which `has` then
   * tells without a substring. In a table three-quarters full, a few keys in ten thousand reach
   * `MAX_PROBES` even with a good hash.
   */
  private overflowHashes: Set<number> | null = null;
  /**
   * With `filtered`: one bit per hash value (folded to the filter's size), set for every key added.
   * A `has` for a missing key then mostly ends there, before the random read of the table that
   * cost more than hashing the key (Compress asks for every parent domain of every hostname, and
   * few are in the set). Empty when not asked for: adding a key then sets no bit.
   */
  private filter: Int32Array;
  private filterShift: number;

  constructor(
    private readonly keys: RangeKeys,
    expectedSize = 16,
    filtered = false,
  ) {
    this.slots = Math.max(Math.ceil(expectedSize / MAX_LOAD), 16);
    this.table = new Int32Array(this.slots * 2);
    const filterBits = filtered ? Math.max(32 - Math.clz32(expectedSize * FILTER_BITS_PER_KEY - 1), 10) : 5;
    this.filter = new Int32Array(filtered ? 2 ** (filterBits - 5) : 0);
    this.filterShift = 32 - filterBits;
  }

  /**
   * Adds key `id` (each id at most once); false when an equal string was in the set already.
   * `knownHash`: the key's `rangeHash`, when the caller has it already; the key's characters are
   * then read only to compare it with a key of the same hash.
   */
  add(id: number, knownHash?: number): boolean {
    const { keys, table, slots } = this;
    const hash = knownHash ?? rangeHash(keys.textOf(id), keys.startOf(id), keys.endOf(id));
    let slot = homeSlot(hash, slots);
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      const entry = table[slot * 2 + 1];
      if (entry === 0) {
        if (this.overflowHashes?.has(hash) && this.overflow!.has(this.keyString(id))) {
          return false;
        }
        table[slot * 2] = hash;
        table[slot * 2 + 1] = id + 1;
        if (this.filter.length > 0) this.setFilterBit(hash);
        if (++this.count > slots * MAX_LOAD) this.rehash(slots * 2);
        return true;
      }
      if (table[slot * 2] === hash && this.idsEqual(entry - 1, id)) return false;
      slot = slot + 1 === slots ? 0 : slot + 1;
    }
    // the probe sequence is full: the key can only be in `overflow`
    const overflowSize = this.overflow?.size ?? 0;
    this.addOverflow(this.keyString(id), hash);
    if (this.filter.length > 0) this.setFilterBit(hash);
    return this.overflow!.size !== overflowSize;
  }

  /** Frees the set's memory now (see `release`); it must not be used afterwards. */
  release(): void {
    release(this.table, this.filter);
  }

  /** Whether `text.substring(start, end)`, whose `rangeHash` is `hash`, is in the set. */
  has(text: string, start: number, end: number, hash: number): boolean {
    if (this.filter.length > 0 && !this.filterBitSet(hash)) return false;
    if (this.find(text, start, end, hash) === -1) return true;
    return this.overflowHashes?.has(hash) === true && this.overflow?.has(text.substring(start, end)) === true;
  }

  /**
   * The empty slot where the key would go, -1 when the key is in the table, -2 when its probe
   * sequence is full (it can only be in `overflow` then; with an empty slot it still may be).
   */
  private find(text: string, start: number, end: number, hash: number): number {
    const { table, slots } = this;
    let slot = homeSlot(hash, slots);
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      const id = table[slot * 2 + 1] - 1;
      if (id === -1) return slot;
      if (table[slot * 2] === hash && this.keyEquals(id, text, start, end)) return -1;
      slot = slot + 1 === slots ? 0 : slot + 1;
    }
    return -2;
  }

  private setFilterBit(hash: number): void {
    const bit = filterBit(hash, this.filterShift);
    this.filter[bit >>> 5] |= 1 << (bit & 31);
  }

  private filterBitSet(hash: number): boolean {
    const bit = filterBit(hash, this.filterShift);
    return (this.filter[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  private addOverflow(key: string, hash: number): void {
    this.overflow ??= new Set();
    this.overflowHashes ??= new Set();
    this.overflow.add(key);
    this.overflowHashes.add(hash);
  }

  private keyEquals(id: number, text: string, start: number, end: number): boolean {
    const { keys } = this;
    const keyStart = keys.startOf(id);
    if (keys.endOf(id) - keyStart !== end - start) return false;
    const keyText = keys.textOf(id);
    for (let offset = 0; offset < end - start; offset++) {
      if (keyText.charCodeAt(keyStart + offset) !== text.charCodeAt(start + offset)) return false;
    }
    return true;
  }

  private idsEqual(id: number, otherId: number): boolean {
    const { keys } = this;
    return this.keyEquals(id, keys.textOf(otherId), keys.startOf(otherId), keys.endOf(otherId));
  }

  private keyString(id: number): string {
    const { keys } = this;
    return keys.textOf(id).substring(keys.startOf(id), keys.endOf(id));
  }

  private rehash(slots: number): void {
    const previous = this.table;
    const table = new Int32Array(slots * 2);
    this.table = table;
    this.slots = slots;
    for (let index = 0; index < previous.length; index += 2) {
      const entry = previous[index + 1];
      if (entry === 0) continue;
      const hash = previous[index];
      let slot = homeSlot(hash, slots);
      let probes = 1;
      while (table[slot * 2 + 1] !== 0 && probes < MAX_PROBES) {
        slot = slot + 1 === slots ? 0 : slot + 1;
        probes++;
      }
      if (table[slot * 2 + 1] === 0) {
        table[slot * 2] = hash;
        table[slot * 2 + 1] = entry;
      } else {
        this.addOverflow(this.keyString(entry - 1), hash);
      }
    }
    release(previous);
  }
}

/**
 * Where a hash's probe sequence starts: the mixed hash scaled to the table's size (a multiplication
 * rather than a mask, so the table need not be a power of two — rounding up to one cost up to
 * twice the memory).
 */
function homeSlot(hash: number, tableSize: number): number {
  return Math.floor((mixedHash(hash) / 4294967296) * tableSize);
}

/**
 * The group of `2 ** bits` a key of hash `hash` belongs to: keys split by it can go into one small
 * `RangeSet` per group, whose slots spread evenly (they come from other bits of the same mix).
 */
export function hashGroup(hash: number, bits: number): number {
  return mixedHash(hash) & ((1 << bits) - 1);
}

/** The hash mixed, as an unsigned 32-bit number: `homeSlot` scales it, `hashGroup` masks its low bits. */
function mixedHash(hash: number): number {
  let mixed = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  mixed ^= mixed >>> 16;
  return mixed >>> 0;
}

/** A hash's bit in a filter of `2 ** (32 - shift)` bits: mixed otherwise than `homeSlot`'s. */
function filterBit(hash: number, shift: number): number {
  const mixed = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  return (mixed ^ (mixed >>> 12)) >>> shift;
}
