/**
 * The source cache: a fetched list kept gzipped in KV under `source:` + the SHA-256 of its URL,
 * with the validators (ETag, Last-Modified) of the URL that answered, so the next compile
 * revalidates instead of downloading again. A cache that fails only costs a full download.
 */
import { z } from "zod";
import { sha256Hex } from "./digest.server";

export const SOURCE_CACHE_PREFIX = "source:";
// Validators make stale entries harmless, so a day only bounds how long an unused list occupies KV.
const SOURCE_CACHE_TTL_SECONDS = 24 * 60 * 60;
// Cloudflare KV's limits on a value and on its metadata.
const KV_MAX_VALUE_BYTES = 25 * 1024 * 1024;
const KV_MAX_METADATA_BYTES = 1024;

const cacheMetadataSchema = z.object({
  /** The URL that answered (after redirects): validators are sent only to it. */
  url: z.string(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
});
export type CacheMetadata = z.infer<typeof cacheMetadataSchema>;

export interface CacheEntry {
  body: ArrayBuffer;
  metadata: CacheMetadata;
}

export class CorruptCacheEntry extends Error {}

/** Where a fetch may revalidate and store its answer: the key, and what it held before. */
export interface CacheSlot {
  kv: KVNamespace;
  key: string;
  entry: CacheEntry | null;
}

/** `source:` + SHA-256 hex of the URL: URLs can exceed KV's 512-byte key limit. */
export async function sourceCacheKey(url: string): Promise<string> {
  return `${SOURCE_CACHE_PREFIX}${await sha256Hex(url)}`;
}

/** A cache that fails only costs a full download, never the compile. */
export async function readCacheEntry(kv: KVNamespace, key: string): Promise<CacheEntry | null> {
  try {
    const { value, metadata } = await kv.getWithMetadata(key, "arrayBuffer");
    const parsed = cacheMetadataSchema.safeParse(metadata);
    return value && parsed.success ? { body: value, metadata: parsed.data } : null;
  } catch (error) {
    logCacheFailure("source_cache_read_failed", error);
    return null;
  }
}

export function cacheMetadataOf(response: Response, url: URL): CacheMetadata | null {
  const etag = response.headers.get("ETag") ?? undefined;
  const lastModified = response.headers.get("Last-Modified") ?? undefined;
  if (!etag && !lastModified) return null;
  const metadata = { url: url.href, etag, lastModified };
  return new TextEncoder().encode(JSON.stringify(metadata)).byteLength <= KV_MAX_METADATA_BYTES ? metadata : null;
}

export async function storeCacheEntry(cache: CacheSlot, metadata: CacheMetadata, compressing: Promise<ArrayBuffer>) {
  try {
    const gzipped = await compressing;
    if (gzipped.byteLength > KV_MAX_VALUE_BYTES) return;
    await cache.kv.put(cache.key, gzipped, { expirationTtl: SOURCE_CACHE_TTL_SECONDS, metadata });
  } catch (error) {
    logCacheFailure("source_cache_write_failed", error);
  }
}

/** Gzips the body while it streams, so the raw bytes are never held twice. */
export function startGzip() {
  const gzip = new CompressionStream("gzip");
  const writer = gzip.writable.getWriter() as WritableStreamDefaultWriter<Uint8Array>;
  const compressed = new Response(gzip.readable).arrayBuffer();
  compressed.catch(() => {});
  return {
    write: (chunk: Uint8Array) => writer.write(chunk),
    async finish() {
      await writer.close();
      return compressed;
    },
    abort: () => {
      writer.abort().catch(() => {});
    },
  };
}

export function logCacheFailure(event: string, error: unknown) {
  console.error(JSON.stringify({ event, reason: String(error) }));
}
