/**
 * The compile cache in KV, and every prefix its namespace holds: `compile:` results (keyed by the
 * configuration's hash), `result:` async job results, and the source cache's `source:` entries.
 * Lists are stored by results.server.ts (their gzip'd text, in R2 when large); explanations here
 * as gzipped JSON. A damaged entry reads as a miss.
 */
import type { CompileMetrics, Configuration } from "~/compiler";
import { gunzipText, gzipText } from "./compression.server";
import { canonicalJson, sha256Hex } from "./digest.server";
import { SOURCE_CACHE_PREFIX } from "./source-cache.server";

// The design's cache lifetime: long enough to absorb repeated compiles, short enough for fresh lists.
export const RESULT_CACHE_TTL_SECONDS = 60 * 60;
// Results outlive the 1 h compile cache: a job's owner may come back for them days later.
export const JOB_RESULT_TTL_SECONDS = 7 * 24 * 60 * 60;
const RESULT_KEY_PREFIX = "compile:";
const JOB_RESULT_KEY_PREFIX = "result:";
/** An explained compile's explanation and trace, beside its list: what host lookups read. */
const EXPLAIN_KEY_PREFIX = "explain:";
/** A job's explanation, kept as long as its result and read only through its owner's job. */
const JOB_EXPLAIN_KEY_PREFIX = "job-explain:";
// KV list pages hold at most 1000 keys; counting stops here so the admin page stays fast.
const CACHE_COUNT_LIMIT = 10_000;

/**
 * A compiled list: its text once — the API's `rules` are its lines, written from it as they are
 * sent (list-json.server.ts); stored by results.server.ts (KV, or R2 when large).
 */
export interface CompiledList {
  text: string;
  ruleCount: number;
  compiledAt: string;
  metrics: CompileMetrics;
}

/** Same configuration and same pre-fetched content → same key, whatever the JSON key order. */
export async function resultCacheKey(configuration: Configuration, preFetched?: Record<string, string>) {
  const configHash = await sha256Hex(canonicalJson({ configuration, preFetched: preFetched ?? {} }));
  return { configHash, key: resultKey(configHash) };
}

/** The cached result of the compile whose configuration hash is `configHash`. */
export const resultKey = (configHash: string) => `${RESULT_KEY_PREFIX}${configHash}`;

export const jobResultKey = (jobId: string) => `${JOB_RESULT_KEY_PREFIX}${jobId}`;

/** The explanation of the compile whose configuration hash is `configHash` (its explain `id`). */
export const explanationKey = (configHash: string) => `${EXPLAIN_KEY_PREFIX}${configHash}`;

/** Where the explanation of job `jobId` is kept (looked up only after its owner is checked). */
export const jobExplanationKey = (jobId: string) => `${JOB_EXPLAIN_KEY_PREFIX}${jobId}`;

/** Copies a compile's cached explanation (as stored) to its job, for the job result's lifetime. */
export async function keepJobExplanation(cache: KVNamespace, configHash: string, jobId: string) {
  const stored = await cache.get(explanationKey(configHash), "arrayBuffer");
  if (stored) await cache.put(jobExplanationKey(jobId), stored, { expirationTtl: JOB_RESULT_TTL_SECONDS });
}

export async function readCached<Value>(cache: KVNamespace, key: string): Promise<Value | null> {
  const stored = await cache.get(key, "arrayBuffer");
  if (!stored) return null;
  try {
    return JSON.parse(await gunzipText(stored)) as Value;
  } catch {
    return null; // a damaged entry is a miss, not an outage
  }
}

export async function writeCached(cache: KVNamespace, key: string, value: unknown, ttlSeconds: number) {
  await cache.put(key, await gzipText(JSON.stringify(value)), { expirationTtl: ttlSeconds });
}

async function countKeys(kv: KVNamespace, prefix: string): Promise<{ count: number; capped: boolean }> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix, cursor });
    count += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && count < CACHE_COUNT_LIMIT);
  return { count, capped: Boolean(cursor) };
}

/** Entries per kind, for the admin page. */
export async function cacheStats(kv: KVNamespace) {
  const [results, sources, jobResults] = await Promise.all([
    countKeys(kv, RESULT_KEY_PREFIX),
    countKeys(kv, SOURCE_CACHE_PREFIX),
    countKeys(kv, JOB_RESULT_KEY_PREFIX),
  ]);
  return { results, sources, jobResults };
}

/**
 * Drops cached compile results, their explanations and source copies; job results stay (their
 * owners still need them). A large result's text is an R2 object under the same key as its KV
 * entry (results.server.ts): those objects go too, rather than waiting for the bucket's lifecycle
 * rules. Returns how many KV entries and R2 objects were deleted.
 */
export async function purgeCompileCache({ kv, r2 }: { kv: KVNamespace; r2: R2Bucket }) {
  let entries = 0;
  for (const prefix of [RESULT_KEY_PREFIX, EXPLAIN_KEY_PREFIX, SOURCE_CACHE_PREFIX]) {
    let cursor: string | undefined;
    do {
      const page = await kv.list({ prefix, cursor });
      await Promise.all(page.keys.map((key) => kv.delete(key.name)));
      entries += page.keys.length;
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
  // Listed by prefix, not through the KV entries: an object whose entry has already expired goes too.
  let objects = 0;
  let cursor: string | undefined;
  do {
    const page = await r2.list({ prefix: RESULT_KEY_PREFIX, cursor });
    // One call deletes up to 1000 keys, and a list page holds at most 1000.
    if (page.objects.length > 0) await r2.delete(page.objects.map((object) => object.key));
    objects += page.objects.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { entries, objects };
}
