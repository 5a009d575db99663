/**
 * Compiling for the API: configuration checks, the result cache in COMPILE_CACHE, source loading
 * (pre-fetched content first, else the safe fetcher), and the `compilations` rows that are both
 * the job table and the usage history.
 */

import type { AppLoadContext } from "@remix-run/cloudflare";
import {
  CompileBudget,
  type CompileEvent,
  type CompileMetrics,
  CompileTooLargeError,
  type Configuration,
  ConfigurationError,
  compile,
  convertCompiledList,
  type ExplainedCompile,
  type Explanation,
  type HostLookup,
  InvalidPatternError,
  type LoadSource,
  lookupHost,
  type OutputFormat,
  parseConfiguration,
  SourceError,
} from "~/compiler";
import { compilations } from "~/db/schema";
import packageJson from "../../package.json";
import { describeError } from "./analytics.server";
import { gunzipText, gzipText } from "./compression.server";
import type { Database } from "./db.server";
import { canonicalJson, sha256Hex } from "./digest.server";
import { ApiError } from "./http.server";
import type { Principal } from "./identity.server";
import { createSourceFetcher, SourceFetchError } from "./sources.server";

// The design's cache lifetime: long enough to absorb repeated compiles, short enough for fresh lists.
const RESULT_CACHE_TTL_SECONDS = 60 * 60;
const CACHE_KEY_PREFIX = "compile:";
/** An explained compile's explanation and trace, beside its list: what host lookups read. */
const EXPLAIN_KEY_PREFIX = "explain:";

export interface CompileRequest {
  configuration: unknown;
  preFetchedContent?: Record<string, string>;
  outputFormat?: OutputFormat;
  explain?: boolean;
}

export interface CompiledList {
  rules: string[];
  text: string;
  ruleCount: number;
  compiledAt: string;
  metrics: CompileMetrics;
}

export interface CompileOutcome extends CompiledList {
  cached: boolean;
  configHash: string;
  durationMs: number;
  /** With `explain`; its id (the configuration hash) is what `/api/compile/explain` looks up. */
  explanation?: Explanation;
}

export interface CompileDependencies {
  cache: KVNamespace;
  loadSource: LoadSource;
  signal?: AbortSignal;
  onEvent?: (event: CompileEvent) => void;
  explain?: boolean;
}

/**
 * The configuration, checked: a bad one is a 400 whose message names the path, one over the
 * compile budget's declared caps (sources, patterns, pre-fetched bytes at each use) a 413
 * `compile_too_large` naming the cap — before anything is loaded or queued.
 */
export function checkedConfiguration(input: unknown, preFetchedContent?: Record<string, string>): Configuration {
  try {
    const configuration = parseConfiguration(input);
    new CompileBudget().checkDeclared(configuration, preFetchedContent);
    return configuration;
  } catch (error) {
    if (error instanceof ConfigurationError || error instanceof CompileTooLargeError) {
      throw explainCompileError(error);
    }
    throw error;
  }
}

/** The JSON answer of a compile, the same for /api/compile and the stream's `result` event. */
export function compileResultBody(outcome: CompileOutcome) {
  return {
    success: true as const,
    rules: outcome.rules,
    ruleCount: outcome.ruleCount,
    compiledAt: outcome.compiledAt,
    cached: outcome.cached,
    metrics: outcome.metrics,
    ...(outcome.explanation ? { explanation: { id: outcome.configHash, ...outcome.explanation } } : {}),
  };
}

/** Same configuration and same pre-fetched content → same key, whatever the JSON key order. */
export async function configurationHash(configuration: Configuration, preFetched?: Record<string, string>) {
  return sha256Hex(canonicalJson({ configuration, preFetched: preFetched ?? {} }));
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

export async function compileWithCache(
  request: { configuration: Configuration; preFetchedContent?: Record<string, string> },
  dependencies: CompileDependencies,
): Promise<CompileOutcome> {
  const started = Date.now();
  const configHash = await configurationHash(request.configuration, request.preFetchedContent);
  const cacheKey = CACHE_KEY_PREFIX + configHash;
  const explainKey = EXPLAIN_KEY_PREFIX + configHash;
  const hit = await readCompiledList(dependencies.cache, cacheKey);
  if (hit && !dependencies.explain) return { ...hit, cached: true, configHash, durationMs: Date.now() - started };
  // an explained request is served from the cache only when its explanation is there too
  const explainedHit = hit && (await readCached<ExplainedCompile>(dependencies.cache, explainKey));
  if (hit && explainedHit) {
    dependencies.onEvent?.({ type: "explanation", explanation: explainedHit.explanation });
    const durationMs = Date.now() - started;
    return { ...hit, cached: true, configHash, durationMs, explanation: explainedHit.explanation };
  }

  const result = await compile(request.configuration, {
    loadSource: dependencies.loadSource,
    onEvent: dependencies.onEvent,
    signal: dependencies.signal,
    compilerVersion: packageJson.version,
    explain: dependencies.explain,
  });
  const list: CompiledList = {
    rules: result.lines,
    text: result.text,
    ruleCount: result.ruleCount,
    compiledAt: new Date().toISOString(),
    metrics: result.metrics,
  };
  await writeCompiledList(dependencies.cache, cacheKey, list, RESULT_CACHE_TTL_SECONDS);
  if (result.explained) await writeCached(dependencies.cache, explainKey, result.explained, RESULT_CACHE_TTL_SECONDS);
  const outcome = { ...list, cached: false, configHash, durationMs: Date.now() - started };
  return result.explained ? { ...outcome, explanation: result.explained.explanation } : outcome;
}

/**
 * "Why isn't `host` in my list?" for the explained compile `id` (its configuration hash), while
 * its result is cached; null when there is no such explanation (never explained, or expired).
 */
export async function lookupExplainedHost(cache: KVNamespace, id: string, host: string): Promise<HostLookup | null> {
  const explained = await readCached<ExplainedCompile>(cache, EXPLAIN_KEY_PREFIX + id);
  return explained ? lookupHost(explained, host) : null;
}

/** `outputFormat` from the body or the query string; both, and different, is a 400. */
export function requestedOutputFormat(fromBody?: OutputFormat, fromQuery?: OutputFormat): OutputFormat | undefined {
  if (fromBody && fromQuery && fromBody !== fromQuery) {
    throw new ApiError(400, `outputFormat is "${fromBody}" in the body but "${fromQuery}" in the query.`, {
      code: "invalid_request",
    });
  }
  return fromBody ?? fromQuery;
}

/**
 * The list in `format`, converted from the compiled adblock list — so one compile, and one cache
 * entry, serves every format — with the conversion report in the metrics (and as a `format` event).
 */
export function inOutputFormat<List extends CompiledList>(
  list: List,
  format: OutputFormat | undefined,
  onEvent?: (event: CompileEvent) => void,
): List {
  if (format === undefined || format === "adblock") return list;
  let converted: ReturnType<typeof convertCompiledList>;
  try {
    converted = convertCompiledList(list.text, format, new Date(list.compiledAt));
  } catch (error) {
    throw explainCompileError(error);
  }
  onEvent?.({ type: "format", ...converted.report });
  return {
    ...list,
    text: converted.text,
    rules: converted.text.split("\n"),
    metrics: { ...list.metrics, formats: [converted.report] },
  };
}

/** What went wrong with a compile, as the API says it; unknown errors pass through unchanged. */
export function explainCompileError(error: unknown): unknown {
  if (error instanceof SourceFetchError) {
    const status = error.code === "source_too_large" ? 413 : 422;
    return new ApiError(status, error.message, { code: error.code });
  }
  if (error instanceof SourceError) return new ApiError(422, error.message, { code: "source_error" });
  if (error instanceof CompileTooLargeError) return new ApiError(413, error.message, { code: "compile_too_large" });
  if (error instanceof ConfigurationError) {
    return new ApiError(400, `Invalid configuration: ${error.message}`, { code: "invalid_configuration" });
  }
  if (error instanceof InvalidPatternError) {
    return new ApiError(400, `Invalid configuration: ${error.message}`, { code: "invalid_configuration" });
  }
  return error;
}

/**
 * What a failure is called in analytics: the API's code for known errors (their messages may name
 * a user's source URL, which can carry a token), `internal_error` otherwise.
 */
export function failureCode(error: unknown): string {
  const explained = explainCompileError(error);
  if (explained instanceof ApiError) return explained.code;
  if (error instanceof SourceFetchError) return error.code;
  if (error instanceof ConfigurationError || error instanceof InvalidPatternError) return "invalid_configuration";
  return "internal_error";
}

/** For the logs of an unexpected failure only: a known one is described by its code. */
export function internalReason(error: unknown): string | undefined {
  return failureCode(error) === "internal_error" ? describeError(error).split("\n")[0] : undefined;
}

/**
 * Whether trying again later could help: network trouble yes; a bad configuration, a refused URL
 * or a compile over its budget no.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof SourceFetchError) return error.retriable;
  if (error instanceof ApiError) return error.status >= 500;
  return !(
    error instanceof ConfigurationError ||
    error instanceof InvalidPatternError ||
    error instanceof SourceError ||
    error instanceof CompileTooLargeError
  );
}

export function readCompiledList(cache: KVNamespace, key: string): Promise<CompiledList | null> {
  return readCached<CompiledList>(cache, key);
}

export function writeCompiledList(cache: KVNamespace, key: string, list: CompiledList, ttlSeconds: number) {
  return writeCached(cache, key, list, ttlSeconds);
}

async function readCached<Value>(cache: KVNamespace, key: string): Promise<Value | null> {
  const stored = await cache.get(key, "arrayBuffer");
  if (!stored) return null;
  try {
    return JSON.parse(await gunzipText(stored)) as Value;
  } catch {
    return null; // a damaged entry is a miss, not an outage
  }
}

async function writeCached(cache: KVNamespace, key: string, value: unknown, ttlSeconds: number) {
  await cache.put(key, await gzipText(JSON.stringify(value)), { expirationTtl: ttlSeconds });
}

/** One row per finished sync, stream or batch compile: the usage history. */
export async function recordCompilation(
  db: Database,
  principal: Principal,
  kind: "sync" | "stream" | "batch",
  outcome: { ok: true; value: CompileOutcome } | { ok: false; error: string; durationMs: number; configHash?: string },
): Promise<void> {
  const finishedAt = new Date();
  const durationMs = outcome.ok ? outcome.value.durationMs : outcome.durationMs;
  await db.insert(compilations).values({
    userId: principal.userId ?? null,
    apiKeyId: principal.apiKeyId ?? null,
    kind,
    status: outcome.ok ? "succeeded" : "failed",
    configHash: outcome.ok ? outcome.value.configHash : (outcome.configHash ?? null),
    ruleCount: outcome.ok ? outcome.value.ruleCount : null,
    durationMs,
    error: outcome.ok ? null : outcome.error,
    attempts: 1,
    startedAt: new Date(finishedAt.getTime() - durationMs),
    finishedAt,
  });
}

/**
 * A compile on behalf of an API caller: checked, cached, recorded in the usage history (a bad
 * configuration is the caller's mistake, answered 400 and not recorded).
 */
export async function compileForCaller(
  context: AppLoadContext,
  principal: Principal,
  kind: "sync" | "stream" | "batch",
  request: CompileRequest,
  options: { signal?: AbortSignal; onEvent?: (event: CompileEvent) => void } = {},
): Promise<CompileOutcome> {
  const configuration = checkedConfiguration(request.configuration, request.preFetchedContent);
  const started = Date.now();
  const { db } = context.database;
  try {
    const compiled = await compileWithCache(
      { configuration, preFetchedContent: request.preFetchedContent },
      {
        cache: context.cloudflare.env.COMPILE_CACHE,
        loadSource: sourceLoader({
          preFetchedContent: request.preFetchedContent,
          cache: context.cloudflare.env.COMPILE_CACHE,
          allowedPrivateHosts: context.config.SOURCE_ALLOW_PRIVATE_HOSTS,
        }),
        explain: request.explain,
        ...options,
      },
    );
    const outcome = inOutputFormat(compiled, request.outputFormat, options.onEvent);
    await recordCompilation(db, principal, kind, { ok: true, value: outcome });
    context.analytics.record({
      type: "compile",
      outcome: "succeeded",
      subject: kind,
      tier: principal.tier,
      durationMs: outcome.durationMs,
      ruleCount: outcome.ruleCount,
      detail: { cached: outcome.cached, principal: principal.kind },
    });
    return outcome;
  } catch (thrown) {
    // A client that went away is not a failure of ours.
    const clientClosed = options.signal?.aborted === true;
    context.analytics.record({
      type: "compile",
      outcome: "failed",
      subject: kind,
      tier: principal.tier,
      code: clientClosed ? "client_closed" : failureCode(thrown),
      reason: clientClosed ? undefined : internalReason(thrown),
      durationMs: Date.now() - started,
      detail: { principal: principal.kind },
    });
    const error = explainCompileError(thrown);
    if (error instanceof ApiError && error.status !== 400) {
      await recordCompilation(db, principal, kind, {
        ok: false,
        error: error.message,
        durationMs: Date.now() - started,
      });
    }
    throw error;
  }
}
