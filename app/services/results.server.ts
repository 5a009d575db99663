/**
 * Where compiled lists are kept: cached compile outputs (1 h) and job results (7 days). Each list
 * is stored once, gzip'd, as its text — never as an array of its lines. A small list lives in KV;
 * a larger one goes to the R2 bucket RESULTS and KV keeps only its header (counts, metrics, ETag)
 * and that it is in R2: KV caps a value at 25 MiB and hands it back whole, R2 streams.
 *
 * Expiry: KV entries expire by TTL. An R2 object carries its expiry and is treated as gone once
 * past it (the read deletes it); the bucket's lifecycle rules remove what nobody reads again
 * (README, "Configuration for production").
 */
import type { CompiledList } from "./compile-cache.server";
import { gunzipStream, gunzipText, gzipText, gzipWriter, textStream } from "./compression.server";
import { sha256Hex } from "./digest.server";
import { lineCount } from "./list-json.server";

// Above this many gzip'd bytes a list goes to R2: a KV read of it would be held whole, and KV is
// billed and rate-limited per value; a 64 KiB entry is a list of roughly 15–20 thousand rules.
export const KV_INLINE_MAX_BYTES = 64 * 1024;

export interface ListStores {
  kv: KVNamespace;
  r2: R2Bucket;
}

/** What KV says about a list: everything but its text, and where the text is. */
export interface ListHeader {
  ruleCount: number;
  /** Lines of the text (`text.split("\n").length`), for pages that show a preview. */
  lineCount: number;
  compiledAt: string;
  metrics: CompiledList["metrics"];
  /** A hash of the stored (gzip'd) list: the same list, the same ETag. */
  etag: string;
  inR2: boolean;
}

export interface StoredList extends CompiledList {
  etag: string;
}

/** Where a list is stored, and for how long. */
export interface ListTarget {
  key: string;
  ttlSeconds: number;
}

/** Stores `list` under `key` for `ttlSeconds`: in KV when small, else in R2 with a pointer in KV. */
export async function putList(
  stores: ListStores,
  key: string,
  list: CompiledList,
  ttlSeconds: number,
): Promise<ListHeader> {
  const { text, ...about } = list;
  const body = await gzipText(text);
  return storeGzipped(stores, [{ key, ttlSeconds }], { ...about, lineCount: lineCount(text) }, body, async () => text);
}

/**
 * Stores a list given as blocks of UTF-8 (`compileToBytes`) under each target, gzip'd as the
 * blocks are made: its text is never held whole, only its gzip (a fifth of it or less). Each block
 * is compressed before the next is asked for (it may be the same buffer written again).
 */
export async function putListBytes(
  stores: ListStores,
  targets: readonly ListTarget[],
  list: Omit<CompiledList, "text">,
  bytes: Iterable<Uint8Array>,
): Promise<ListHeader> {
  const gzip = gzipWriter();
  let lines = 1;
  try {
    for (const block of bytes) {
      for (let at = block.indexOf(NEWLINE); at !== -1; at = block.indexOf(NEWLINE, at + 1)) lines++;
      await gzip.write(block);
    }
  } catch (error) {
    await gzip.abort(error);
    throw error;
  }
  const body = await gzip.close();
  return storeGzipped(stores, targets, { ...list, lineCount: lines }, body, () => gunzipText(body.buffer));
}

const NEWLINE = 10;

/** `body` (the gzip'd text) under each target: in R2 with a pointer in KV when large, else in KV. */
async function storeGzipped(
  stores: ListStores,
  targets: readonly ListTarget[],
  about: Omit<ListHeader, "etag" | "inR2">,
  body: Uint8Array<ArrayBuffer>,
  text: () => Promise<string>,
): Promise<ListHeader> {
  const etag = await sha256Hex(body);
  const header: ListHeader = {
    ruleCount: about.ruleCount,
    lineCount: about.lineCount,
    compiledAt: about.compiledAt,
    metrics: about.metrics,
    etag,
    inR2: body.byteLength > KV_INLINE_MAX_BYTES,
  };
  // The header line, then for a small list its text: one gzip of both, so a small list is one KV value.
  const entry = await gzipText(`${JSON.stringify(header)}\n`, ...(header.inR2 ? [] : [await text()]));
  for (const { key, ttlSeconds } of targets) {
    if (header.inR2) {
      await stores.r2.put(key, body, {
        httpMetadata: { contentType: "text/plain; charset=utf-8", contentEncoding: "gzip" },
        customMetadata: { etag, expiresAt: expiresAt(ttlSeconds) },
      });
    }
    await stores.kv.put(key, entry, { expirationTtl: ttlSeconds });
  }
  return header;
}

const expiresAt = (ttlSeconds: number) => new Date(Date.now() + ttlSeconds * 1000).toISOString();

/**
 * Stores the entry under `from` again under `to` as it is stored (no second gzip of the list), if
 * it is still the list with ETag `etag`; false when it is gone or was replaced meanwhile.
 */
export async function copyList(
  stores: ListStores,
  from: string,
  to: string,
  etag: string,
  ttlSeconds: number,
): Promise<boolean> {
  const stored = await stores.kv.get(from, "arrayBuffer");
  const entry = stored && (await parseEntry(stored));
  if (!stored || entry?.header.etag !== etag) return false;
  if (entry.header.inR2) {
    const object = await readObject(stores.r2, from);
    if (!object) return false;
    await stores.r2.put(to, await object.arrayBuffer(), {
      httpMetadata: object.httpMetadata,
      customMetadata: { etag, expiresAt: expiresAt(ttlSeconds) },
    });
  }
  await stores.kv.put(to, stored, { expirationTtl: ttlSeconds });
  return true;
}

/** The stored entry's header and, for a small list, its text; null when missing or damaged. */
async function readEntry(kv: KVNamespace, key: string): Promise<{ header: ListHeader; text: string } | null> {
  const stored = await kv.get(key, "arrayBuffer");
  return stored && parseEntry(stored);
}

async function parseEntry(stored: ArrayBuffer): Promise<{ header: ListHeader; text: string } | null> {
  try {
    const content = await gunzipText(stored);
    const newline = content.indexOf("\n");
    if (newline === -1) return null; // an entry of an older layout is a miss
    return { header: JSON.parse(content.slice(0, newline)) as ListHeader, text: content.slice(newline + 1) };
  } catch {
    return null; // a damaged entry is a miss, not an outage
  }
}

/** The R2 object of a list, or null once it is past its expiry (then it is deleted). */
async function readObject(r2: R2Bucket, key: string): Promise<R2ObjectBody | null> {
  const object = await r2.get(key);
  if (!object) return null;
  const expiresAt = Date.parse(object.customMetadata?.expiresAt ?? "");
  if (!(expiresAt > Date.now())) {
    await object.body.cancel();
    await r2.delete(key);
    return null;
  }
  return object;
}

/** The header alone: enough for counts and a 304, without reading the list from R2. */
export async function getListHeader(stores: ListStores, key: string): Promise<ListHeader | null> {
  return (await readEntry(stores.kv, key))?.header ?? null;
}

/** The whole list, its text once in memory. */
export async function getList(stores: ListStores, key: string): Promise<StoredList | null> {
  const entry = await readEntry(stores.kv, key);
  if (!entry) return null;
  const { header } = entry;
  let text = entry.text;
  if (header.inR2) {
    const object = await readObject(stores.r2, key);
    if (!object) return null;
    text = await gunzipText(object.body);
  }
  return {
    text,
    ruleCount: header.ruleCount,
    compiledAt: header.compiledAt,
    metrics: header.metrics,
    etag: header.etag,
  };
}

/** The list's text as a stream of UTF-8 bytes, straight from R2 for a large list. */
export async function openListText(
  stores: ListStores,
  key: string,
): Promise<{ header: ListHeader; body: ReadableStream<Uint8Array> } | null> {
  const entry = await readEntry(stores.kv, key);
  if (!entry) return null;
  if (!entry.header.inR2) return { header: entry.header, body: textStream(entry.text) };
  const object = await readObject(stores.r2, key);
  return object && { header: entry.header, body: gunzipStream(object.body) };
}

/** The first `count` lines of a list's text stream; the rest is not read. */
export async function previewLines(body: ReadableStream<Uint8Array>, count: number): Promise<string[]> {
  const decoder = new TextDecoder();
  const preview: string[] = [];
  let partial = "";
  const reader = body.getReader();
  while (preview.length < count) {
    const { done, value } = await reader.read();
    if (done) {
      preview.push(partial + decoder.decode());
      return preview;
    }
    const lines = (partial + decoder.decode(value, { stream: true })).split("\n");
    partial = lines.pop() ?? "";
    preview.push(...lines.slice(0, count - preview.length));
  }
  await reader.cancel();
  return preview;
}
