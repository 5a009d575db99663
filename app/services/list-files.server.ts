/**
 * Where published lists live and how subscribe URLs serve them (docs/decisions/0017):
 *
 * - R2 (`LISTS`) holds every version's files, gzipped: `lists/{listId}/{number}/{format}`.
 * - KV (`LIST_INDEX`) holds one small record per slug — the current version's files, their SHA-256
 *   (the strong ETag) and publication time — so `GET /l/{slug}.{ext}` answers a conditional request
 *   from that one read, and streams the R2 object only when the client's copy is stale.
 *
 * Postgres is never read on this path.
 */
import { z } from "zod";
import { FORMAT_FILE_SUFFIXES, listFileName, OUTPUT_FORMATS, type OutputFormat } from "~/compiler/formats";
import type { ListFile } from "~/db/schema";
import { gunzipText, gzipText } from "./compression.server";
import { sha256Hex } from "./digest.server";

// What blockers and shared caches may reuse without asking again (the "public, max-age=300").
export const SUBSCRIBE_MAX_AGE_SECONDS = 300;
// KV edge-caches the slug record this long: a new version reaches every location within a minute.
const INDEX_CACHE_TTL_SECONDS = 60;
const INDEX_PREFIX = "list:";

/** The KV record of a slug: what `/l/{slug}.{ext}` serves. */
const indexRecord = z.object({
  listId: z.string(),
  // The list's name when the version was published: the file's name (records written before it have none).
  name: z.string().optional(),
  version: z.number(),
  publishedAt: z.string(),
  files: z.record(z.string(), z.object({ key: z.string(), sha256: z.string(), bytes: z.number() })),
});
export type ListIndexRecord = z.infer<typeof indexRecord>;

const SUFFIX_TO_FORMAT = new Map(OUTPUT_FORMATS.map((format) => [FORMAT_FILE_SUFFIXES[format], format]));

/** `/l/{slug}.{ext}`'s last segment → slug and format; null when it names no format. */
export function parseSubscribePath(file: string): { slug: string; format: OutputFormat } | null {
  const dot = file.indexOf(".");
  if (dot <= 0) return null;
  const format = SUFFIX_TO_FORMAT.get(file.slice(dot + 1).toLowerCase());
  return format ? { slug: file.slice(0, dot).toLowerCase(), format } : null;
}

export const subscribePath = (slug: string, format: OutputFormat) => `/l/${slug}.${FORMAT_FILE_SUFFIXES[format]}`;

export const fileKey = (listId: string, number: number, format: OutputFormat) => `lists/${listId}/${number}/${format}`;

/**
 * `! Expires: 1 day` (or `# Expires:` for hosts-style files) after the first line, where uBlock
 * Origin, AdGuard and Pi-hole-style updaters look for it: when to come back.
 */
export function withExpiresLine(text: string, refreshMinutes: number): string {
  const comment = /^[!#;]/.exec(text)?.[0] ?? "!";
  const hours = Math.max(1, Math.round(refreshMinutes / 60));
  const period =
    hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? "" : "s"}` : `${hours} hour${hours === 1 ? "" : "s"}`;
  const line = `${comment} Expires: ${period}`;
  const firstBreak = text.indexOf("\n");
  return firstBreak < 0 ? `${line}\n${text}` : `${text.slice(0, firstBreak + 1)}${line}\n${text.slice(firstBreak + 1)}`;
}

/** Stores one file of a version, gzipped; returns what the version row and the index record keep. */
export async function putListFile(bucket: R2Bucket, key: string, text: string): Promise<ListFile> {
  const sha256 = await sha256Hex(text);
  await bucket.put(key, await gzipText(text), {
    httpMetadata: { contentType: "text/plain; charset=utf-8" },
    customMetadata: { sha256 },
  });
  return { key, sha256, bytes: new TextEncoder().encode(text).byteLength };
}

/** A stored file's text (for diffs and added/removed counts); null when it is gone. */
export async function readListFile(bucket: R2Bucket, key: string): Promise<string | null> {
  const object = await bucket.get(key);
  return object ? gunzipText(await object.arrayBuffer()) : null;
}

export async function deleteListFiles(bucket: R2Bucket, files: Iterable<ListFile>) {
  const keys = [...files].map((file) => file.key);
  if (keys.length > 0) await bucket.delete(keys);
}

export async function writeIndexRecord(index: KVNamespace, slug: string, record: ListIndexRecord) {
  await index.put(INDEX_PREFIX + slug, JSON.stringify(record));
}

export async function deleteIndexRecord(index: KVNamespace, slug: string) {
  await index.delete(INDEX_PREFIX + slug);
}

async function readIndexRecord(index: KVNamespace, slug: string): Promise<ListIndexRecord | null> {
  const stored = await index.get(INDEX_PREFIX + slug, { type: "json", cacheTtl: INDEX_CACHE_TTL_SECONDS });
  const parsed = indexRecord.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** `If-None-Match: "a", W/"b"` or `*` matches a strong ETag by the weak comparison RFC 9110 asks for here. */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

const notFound = () =>
  new Response("No such list.\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * The answer to `GET`/`HEAD /l/{slug}.{ext}`: 304 from the index record alone when the client's
 * copy is current; else the R2 object streamed as stored (gzip) to clients that accept it, or
 * decoded on the way (brotli is then left to the runtime's response encoding).
 */
export async function serveListFile(
  request: Request,
  file: string,
  bindings: { index: KVNamespace; bucket: R2Bucket },
): Promise<Response> {
  const parsed = parseSubscribePath(file);
  if (!parsed) return notFound();
  const record = await readIndexRecord(bindings.index, parsed.slug);
  const stored = record?.files[parsed.format];
  if (!record || !stored) return notFound();

  const etag = `"${stored.sha256}"`;
  const lastModified = new Date(record.publishedAt);
  const headers = new Headers({
    ETag: etag,
    "Last-Modified": lastModified.toUTCString(),
    "Cache-Control": `public, max-age=${SUBSCRIBE_MAX_AGE_SECONDS}`,
    Vary: "Accept-Encoding",
    "X-Bloqr-List-Version": String(record.version),
    // Shown in the browser, saved under the name every list download has.
    "Content-Disposition": `inline; filename="${listFileName(record.name ?? parsed.slug, parsed.format, lastModified)}"`,
  });
  const ifNoneMatch = request.headers.get("If-None-Match");
  const ifModifiedSince = request.headers.get("If-Modified-Since");
  const fresh =
    ifNoneMatch !== null
      ? noneMatch(ifNoneMatch, etag)
      : ifModifiedSince !== null && Date.parse(ifModifiedSince) >= Math.floor(lastModified.getTime() / 1000) * 1000;
  if (fresh) return new Response(null, { status: 304, headers });

  headers.set("Content-Type", "text/plain; charset=utf-8");
  const accepted = (request.headers.get("Accept-Encoding") ?? "").toLowerCase();
  const gzip = /\bgzip\b/.test(accepted);
  if (request.method === "HEAD") {
    if (gzip) headers.set("Content-Encoding", "gzip");
    else headers.set("Content-Length", String(stored.bytes));
    return new Response(null, { status: 200, headers });
  }
  const object = await bindings.bucket.get(stored.key);
  if (!object) return notFound();
  if (gzip) {
    headers.set("Content-Encoding", "gzip");
    headers.set("Content-Length", String(object.size));
    return new Response(object.body, { status: 200, headers, encodeBody: "manual" });
  }
  const decoded = object.body.pipeThrough(new DecompressionStream("gzip"));
  if (/\bbr\b/.test(accepted)) headers.set("Content-Encoding", "br");
  else headers.set("Content-Length", String(stored.bytes));
  return new Response(decoded, { status: 200, headers });
}
