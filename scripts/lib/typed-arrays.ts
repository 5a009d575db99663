/** Memory outside V8's heap, for the memory benchmarks (`bench:compile`, `bench:memory`). */

/**
 * Calls `sample` after every typed array the compiler makes. Memory outside V8's heap (our line
 * indexes, hash tables and output buffer) only grows when one is made, so sampling then catches
 * its peak exactly, freed-but-not-yet-collected arrays included.
 */
export function countTypedArrays(sample: () => void): void {
  const constructors = globalThis as unknown as Record<"Uint8Array" | "Int32Array", typeof Uint8Array>;
  for (const name of ["Uint8Array", "Int32Array"] as const) {
    const Original = constructors[name];
    constructors[name] = class extends Original {
      // biome-ignore lint/suspicious/noExplicitAny: forwards every constructor signature
      constructor(...args: any[]) {
        super(...(args as []));
        sample();
      }
    };
  }
}
