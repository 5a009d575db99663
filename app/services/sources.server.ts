/**
 * Fetches compile sources for the compiler's `loadSource` — safely, since the URLs are the
 * caller's. Every URL and every redirect target passes the SSRF rules of `source-urls.ts`;
 * bodies are counted while they stream (per source and per compile) so nothing beyond a cap is
 * ever buffered; each source has a timeout; and 200 responses with an ETag or Last-Modified are
 * kept in the source cache (source-cache.server.ts) so the next compile revalidates instead of
 * downloading again.
 *
 * One fetcher serves one compile: its byte budget spans all the sources that compile loads.
 */
import { type LoadSource, MAX_INPUT_BYTES } from "~/compiler";
import {
  type CacheSlot,
  CorruptCacheEntry,
  cacheMetadataOf,
  logCacheFailure,
  readCacheEntry,
  sourceCacheKey,
  startGzip,
  storeCacheEntry,
} from "./source-cache.server";
import { checkSourceUrl, displayUrl } from "./source-urls";

/** A generous upper bound for one filter list (the largest public lists are a few MB). */
const MAX_SOURCE_BYTES = 20 * 1024 * 1024;
/**
 * All sources of one compile together: the compile's input budget, so a body that would break it
 * is cut off while it streams (the compiler charges every use of a text against the budget again).
 */
const MAX_REQUEST_SOURCE_BYTES = MAX_INPUT_BYTES;
/** Per source, from the first request to the last byte, redirects included. */
const SOURCE_TIMEOUT_MS = 10_000;
// Enough for http→https plus a CDN hop; long chains are a smell and cost subrequests.
const MAX_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const REQUEST_HEADERS = { Accept: "text/plain, */*;q=0.8", "User-Agent": "Bloqr filter-list compiler" };

export type SourceFetchErrorCode =
  | "source_refused"
  | "source_too_large"
  | "source_timeout"
  | "source_unreachable"
  | "source_http_error";

/**
 * Why a source could not be loaded. `message` is meant for the user (it names the source by
 * origin and path only); `retriable` says whether the same request may succeed later.
 */
export class SourceFetchError extends Error {
  readonly retriable: boolean;
  /** The HTTP status of a `source_http_error`. */
  readonly status?: number;
  constructor(
    readonly code: SourceFetchErrorCode,
    /** The source as the caller named it, without credentials. */
    readonly url: string,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "SourceFetchError";
    this.status = options.status;
    this.retriable = isRetriable(code, options.status);
  }
}

function isRetriable(code: SourceFetchErrorCode, status?: number): boolean {
  if (code === "source_timeout" || code === "source_unreachable") return true;
  if (code === "source_http_error") return status === 429 || (status !== undefined && status >= 500);
  return false;
}

export interface SourceFetcherOptions {
  cache?: KVNamespace;
  /** host:port pairs allowed although private — development and tests only (SOURCE_ALLOW_PRIVATE_HOSTS). */
  allowedPrivateHosts?: readonly string[];
  /** Defaults to SOURCE_TIMEOUT_MS; smaller in tests. */
  timeoutMs?: number;
  /** Defaults to MAX_SOURCE_BYTES; smaller in tests. */
  maxSourceBytes?: number;
  /** Defaults to MAX_REQUEST_SOURCE_BYTES; smaller in tests. */
  maxRequestBytes?: number;
}

export interface SourceFetcher {
  /** The source's text (UTF-8), or a SourceFetchError; a caller's abort rejects with its reason. */
  load(url: string, signal?: AbortSignal): Promise<string>;
  /** Bytes of the sources loaded so far (and of loads in flight), counted against maxRequestBytes. */
  readonly bytesLoaded: number;
}

export function createSourceFetcher(options: SourceFetcherOptions = {}): SourceFetcher {
  const timeoutMs = options.timeoutMs ?? SOURCE_TIMEOUT_MS;
  const maxSourceBytes = options.maxSourceBytes ?? MAX_SOURCE_BYTES;
  const maxRequestBytes = options.maxRequestBytes ?? MAX_REQUEST_SOURCE_BYTES;
  let bytesLoaded = 0;

  async function load(source: string, callerSignal?: AbortSignal): Promise<string> {
    callerSignal?.throwIfAborted();
    const label = sourceLabel(source);
    const checked = checkSourceUrl(source, { allowedPrivateHosts: options.allowedPrivateHosts });
    if (!checked.ok) throw new SourceFetchError("source_refused", label, checked.message);

    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    let sourceBytes = 0;
    const overLimit = (bytes: number): SourceFetchError | null => {
      if (sourceBytes + bytes > maxSourceBytes) {
        return new SourceFetchError(
          "source_too_large",
          label,
          `${job.shown} is larger than ${formatMegabytes(maxSourceBytes)}, the limit for one source.`,
        );
      }
      if (bytesLoaded + bytes > maxRequestBytes) {
        return new SourceFetchError(
          "source_too_large",
          label,
          `The sources of this compilation exceed ${formatMegabytes(maxRequestBytes)} in total (at ${job.shown}).`,
        );
      }
      return null;
    };
    const job: LoadJob = {
      label,
      shown: displayUrl(checked.url),
      signal,
      allowedPrivateHosts: options.allowedPrivateHosts,
      overLimit,
      count(bytes) {
        const refusal = overLimit(bytes);
        if (refusal) throw refusal;
        sourceBytes += bytes;
        bytesLoaded += bytes;
      },
      release() {
        bytesLoaded -= sourceBytes;
        sourceBytes = 0;
      },
      networkFailure(error) {
        if (callerSignal?.aborted) return callerSignal.reason;
        if (timeout.aborted) {
          return new SourceFetchError(
            "source_timeout",
            label,
            `${job.shown} did not finish within ${timeoutMs / 1000} s.`,
          );
        }
        if (error instanceof SourceFetchError) return error;
        return new SourceFetchError("source_unreachable", label, `${job.shown} could not be reached.`, {
          cause: error,
        });
      },
    };
    try {
      return await loadUrl(checked.url, job, options.cache);
    } catch (error) {
      // A failed source holds no memory any more; only returned text counts against the compile.
      job.release();
      throw error;
    }
  }

  return {
    load,
    get bytesLoaded() {
      return bytesLoaded;
    },
  };
}

interface LoadJob {
  label: string;
  /** The URL for messages: origin and path of the requested source. */
  shown: string;
  signal: AbortSignal;
  allowedPrivateHosts?: readonly string[];
  /** The source_too_large error that `bytes` more would cause, if any. */
  overLimit(bytes: number): SourceFetchError | null;
  /** Counts body bytes against both caps; throws source_too_large. */
  count(bytes: number): void;
  /** Uncounts this source's bytes (it failed, or is read again). */
  release(): void;
  /** What a failed fetch or body read becomes: the caller's abort, a timeout, or unreachable. */
  networkFailure(error: unknown): unknown;
}

async function loadUrl(url: URL, job: LoadJob, cache: KVNamespace | undefined): Promise<string> {
  const key = cache ? await sourceCacheKey(url.href) : null;
  const cached = cache && key ? await readCacheEntry(cache, key) : null;
  try {
    return await fetchFollowingRedirects(url, job, cache && key ? { kv: cache, key, entry: cached } : null);
  } catch (error) {
    if (!(error instanceof CorruptCacheEntry) || !cache || !key) throw error;
    logCacheFailure("source_cache_entry_corrupt", error.cause);
    job.release();
    await cache.delete(key).catch(() => {});
    return fetchFollowingRedirects(url, job, { kv: cache, key, entry: null });
  }
}

async function fetchFollowingRedirects(start: URL, job: LoadJob, cache: CacheSlot | null): Promise<string> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const headers = new Headers(REQUEST_HEADERS);
    // Validators belong to the URL that answered with them, not to the hops before it.
    const revalidating = cache?.entry?.metadata.url === url.href ? cache.entry : null;
    if (revalidating?.metadata.etag) headers.set("If-None-Match", revalidating.metadata.etag);
    if (revalidating?.metadata.lastModified) headers.set("If-Modified-Since", revalidating.metadata.lastModified);

    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: "manual", signal: job.signal });
    } catch (error) {
      throw job.networkFailure(error);
    }

    if (REDIRECT_STATUSES.has(response.status)) {
      await discard(response);
      if (redirects === MAX_REDIRECTS) {
        throw new SourceFetchError(
          "source_refused",
          job.label,
          `${job.shown} redirects more than ${MAX_REDIRECTS} times.`,
        );
      }
      url = redirectTarget(response, url, job);
      continue;
    }
    if (response.status === 304 && revalidating) {
      await discard(response);
      return decodeCachedBody(revalidating.body, job);
    }
    if (!response.ok) {
      await discard(response);
      throw new SourceFetchError(
        "source_http_error",
        job.label,
        `${job.shown} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}.`,
        { status: response.status },
      );
    }
    return readResponse(response, url, job, cache);
  }
}

function redirectTarget(response: Response, from: URL, job: LoadJob): URL {
  const location = response.headers.get("Location");
  let target: URL | null = null;
  try {
    target = location ? new URL(location, from) : null;
  } catch {
    target = null;
  }
  if (!target) {
    throw new SourceFetchError("source_refused", job.label, `${job.shown} redirects to an invalid location.`);
  }
  const checked = checkSourceUrl(target, { allowedPrivateHosts: job.allowedPrivateHosts });
  if (!checked.ok) {
    throw new SourceFetchError(
      "source_refused",
      job.label,
      `${job.shown} redirects to a refused URL: ${checked.message}`,
    );
  }
  return checked.url;
}

async function readResponse(response: Response, url: URL, job: LoadJob, cache: CacheSlot | null): Promise<string> {
  // Content-Length is only a hint (absent or untrue, and of the encoded body), but an honest
  // oversized one lets us refuse before reading a byte.
  const declared = Number(response.headers.get("Content-Length") ?? Number.NaN);
  const encoded = (response.headers.get("Content-Encoding") ?? "identity") !== "identity";
  const refusal = !encoded && Number.isFinite(declared) ? job.overLimit(declared) : null;
  if (refusal) {
    await discard(response);
    throw refusal;
  }
  if (!response.body) return "";

  const metadata = response.status === 200 && cache ? cacheMetadataOf(response, url) : null;
  const gzip = metadata ? startGzip() : null;
  try {
    const text = await readText(response.body, job, { onChunk: gzip?.write, readFailure: job.networkFailure });
    if (cache && metadata && gzip) await storeCacheEntry(cache, metadata, gzip.finish());
    return text;
  } catch (error) {
    gzip?.abort();
    throw error;
  }
}

/**
 * Decodes a body as UTF-8 while counting it against the caps, cancelling the stream as soon
 * as a cap or the deadline is passed; `onChunk` sees the raw bytes (for the cache).
 */
async function readText(
  body: ReadableStream<Uint8Array>,
  job: LoadJob,
  handlers: { onChunk?: (chunk: Uint8Array) => Promise<void>; readFailure: (error: unknown) => unknown },
): Promise<string> {
  const reader = body.getReader();
  const cancel = () => reader.cancel().catch(() => {});
  job.signal.addEventListener("abort", cancel);
  const decoder = new TextDecoder("utf-8");
  const parts: string[] = [];
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw handlers.readFailure(error);
      }
      // A cancelled read ends the stream quietly; the deadline decides it was not complete.
      if (job.signal.aborted) throw job.networkFailure(job.signal.reason);
      if (chunk.done) break;
      job.count(chunk.value.byteLength);
      parts.push(decoder.decode(chunk.value, { stream: true }));
      await handlers.onChunk?.(chunk.value);
    }
    parts.push(decoder.decode());
    return parts.join("");
  } catch (error) {
    await cancel();
    throw error;
  } finally {
    job.signal.removeEventListener("abort", cancel);
  }
}

async function discard(response: Response) {
  await response.body?.cancel().catch(() => {});
}

async function decodeCachedBody(gzipped: ArrayBuffer, job: LoadJob): Promise<string> {
  const stream = new Response(gzipped).body!.pipeThrough(new DecompressionStream("gzip"));
  return readText(stream, job, {
    readFailure: (error) =>
      job.signal.aborted
        ? job.networkFailure(error)
        : new CorruptCacheEntry("undecodable cached source", { cause: error }),
  });
}

// —— labels ——————————————————————————————————————————————————————————————————————————

/** The source as named, minus any user name or password. */
function sourceLabel(source: string): string {
  try {
    const url = new URL(source);
    if (!url.username && !url.password) return source;
    url.username = "";
    url.password = "";
    return url.href;
  } catch {
    return source;
  }
}

function formatMegabytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(2))} MB`;
}

/** Loads pre-fetched content when the request carries it for that source, else fetches it safely. */
export function sourceLoader(options: {
  preFetchedContent?: Record<string, string>;
  cache?: KVNamespace;
  allowedPrivateHosts?: readonly string[];
}): LoadSource {
  const fetcher = createSourceFetcher({ cache: options.cache, allowedPrivateHosts: options.allowedPrivateHosts });
  const preFetched = options.preFetchedContent ?? {};
  return (source, signal) =>
    Object.hasOwn(preFetched, source) ? Promise.resolve(preFetched[source]) : fetcher.load(source, signal);
}
