/**
 * JSON answers that carry a list's `rules` without holding them as an array: the list stays one
 * text, and its lines are escaped into the response chunk by chunk as the client reads. A million
 * lines as strings take about three times the memory of the text, and `JSON.stringify` of them a
 * second copy of the whole list on top.
 */
import { API_HEADERS } from "./http.server";

// A chunk is escaped and encoded at once: big enough that per-chunk overhead vanishes, small
// enough that a slow client never makes the Worker hold more than this of the answer.
export const RULES_JSON_CHUNK_CHARS = 64 * 1024;

/** A list's text, written into JSON as the array of its lines (`text.split("\n")`). */
export class RulesArray {
  constructor(readonly text: string) {}
}

/**
 * `value` as JSON text in chunks, each `RulesArray` in it written as an array of strings. Object
 * keys keep their order, so the answer reads the same as `JSON.stringify` of the split list.
 */
export function* jsonChunks(value: unknown): Generator<string> {
  const lists: RulesArray[] = [];
  // A marker no list can contain: a fresh UUID per answer.
  const marker = `\u0000rules:${crypto.randomUUID()}:`;
  const skeleton = JSON.stringify(value, (_key, item) => {
    if (!(item instanceof RulesArray)) return item;
    lists.push(item);
    return marker + (lists.length - 1);
  });
  const markerJson = JSON.stringify(marker).slice(0, -1);
  let at = 0;
  for (let index = 0; index < lists.length; index++) {
    const placeholder = `${markerJson}${index}"`;
    const found = skeleton.indexOf(placeholder, at);
    yield skeleton.slice(at, found);
    yield* arrayChunks(lists[index].text);
    at = found + placeholder.length;
  }
  yield skeleton.slice(at);
}

/** `["line 1","line 2",…]` from the text, a chunk of lines at a time. */
function* arrayChunks(text: string): Generator<string> {
  yield "[";
  let start = 0;
  let parts: string[] = [];
  let size = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    const line = text.slice(start, end === -1 ? text.length : end);
    parts.push(JSON.stringify(line));
    size += line.length + 3;
    if (end === -1) break;
    start = end + 1;
    if (size >= RULES_JSON_CHUNK_CHARS) {
      yield `${parts.join(",")},`;
      parts = [];
      size = 0;
    }
  }
  yield `${parts.join(",")}]`;
}

/** The chunks as a byte stream, made as the client pulls (backpressure bounds what is held). */
export function chunkStream(chunks: Iterator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}

/** A JSON response whose `RulesArray` values are streamed from their text. */
export function streamedJsonResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(API_HEADERS)) if (!headers.has(name)) headers.set(name, value);
  headers.set("Content-Type", "application/json");
  return new Response(chunkStream(jsonChunks(body)), { ...init, headers });
}

/** The first `count` lines of a text, without splitting all of it. */
export function firstLines(text: string, count: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < count) {
    const end = text.indexOf("\n", start);
    lines.push(text.slice(start, end === -1 ? text.length : end));
    if (end === -1) break;
    start = end + 1;
  }
  return lines;
}

/** How many lines `text.split("\n")` would give, without making them. */
export function lineCount(text: string): number {
  let count = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}
