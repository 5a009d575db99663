type TransferableBuffer = ArrayBufferLike & { transfer?: (length: number) => ArrayBuffer };

/**
 * Frees the memory of typed arrays a step is done with now, instead of at V8's next collection,
 * which for memory outside its heap can come late: a step's hash table would otherwise still be
 * held while the next step builds its own. `ArrayBuffer.prototype.transfer(0)` (ES2024) moves the
 * memory into a new empty buffer and frees it; where it is missing, the collector does it later.
 * The arrays must not be used afterwards (their buffers are detached).
 */
export function release(...arrays: ArrayBufferView[]): void {
  for (const array of arrays) (array.buffer as TransferableBuffer).transfer?.(0);
}
