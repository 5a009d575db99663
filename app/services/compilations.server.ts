/**
 * Compiling, start to end: the budget check of a parsed configuration, the cached compile, the
 * list in the requested format, and the `compilations` rows that are both the job table and the
 * usage history. The cache lives in compile-cache.server.ts, the error taxonomy in
 * compile-errors.server.ts.
 */
import {
  CompileBudget,
  type CompileEvent,
  type Configuration,
  compile,
  compileToBytes,
  convertCompiledList,
  type ExplainedCompile,
  type Explanation,
  type FormatOutput,
  type HostLookup,
  type LoadSource,
  lookupHost,
  type OutputFormat,
  parseConfiguration,
} from "~/compiler";
import { compilations } from "~/db/schema";
import type { LoadContext } from "~/load-context";
import packageJson from "../../package.json";
import {
  type CompiledList,
  explanationKey,
  jobExplanationKey,
  RESULT_CACHE_TTL_SECONDS,
  readCached,
  resultCacheKey,
  writeCached,
} from "./compile-cache.server";
import { explainCompileError, failureCode, internalReason } from "./compile-errors.server";
import type { Database } from "./db.server";
import { ApiError } from "./http.server";
import { RulesArray } from "./list-json.server";
import type { Principal } from "./principal";
import {
  copyList,
  getList,
  getListHeader,
  type ListStores,
  type ListTarget,
  putList,
  putListBytes,
} from "./results.server";

export interface CompileRequest {
  /** Parsed: by the body schema at the edge, or by `parseCompileRequest`. */
  configuration: Configuration;
  preFetchedContent?: Record<string, string>;
  outputFormat?: OutputFormat;
  explain?: boolean;
}

export interface CompileOutcome extends CompiledList {
  cached: boolean;
  configHash: string;
  /** The cache entry's hash (see results.server.ts): a copy of it can be checked against it. */
  etag: string;
  durationMs: number;
  /** In another format than adblock, its bytes (`FormatOutput.blocks`): `text` is decoded from them when read. */
  blocks?: readonly Uint8Array[];
  /** With `explain`; its id (the configuration hash) is what `/api/compile/explain` looks up. */
  explanation?: Explanation;
}

interface CompileDependencies {
  /** The result cache: lists in KV and R2, explanations beside them in KV. */
  stores: ListStores;
  loadSource: LoadSource;
  signal?: AbortSignal;
  onEvent?: (event: CompileEvent) => void;
  explain?: boolean;
}

/**
 * A compile over the budget's declared caps (sources, patterns, pre-fetched bytes at each use) is a
 * 413 `compile_too_large` naming the cap — before anything is loaded or queued.
 */
export function checkCompileBudget(request: Omit<CompileRequest, "outputFormat">): void {
  try {
    new CompileBudget().checkDeclared(request.configuration, request.preFetchedContent);
  } catch (error) {
    throw explainCompileError(error);
  }
}

/**
 * A configuration that did not come through a body schema (a batch item, a stored job): parsed
 * here, once — a bad one is a 400 whose message names the path — and checked against the budget.
 */
export function parseCompileRequest(configuration: unknown, preFetchedContent?: Record<string, string>) {
  let parsed: Configuration;
  try {
    parsed = parseConfiguration(configuration);
  } catch (error) {
    throw explainCompileError(error);
  }
  checkCompileBudget({ configuration: parsed, preFetchedContent });
  return parsed;
}

/** The JSON answer of a compile, the same for /api/compile and the stream's `result` event. */
export function compileResultBody(outcome: CompileOutcome) {
  return {
    success: true as const,
    rules: new RulesArray(outcome.text),
    ruleCount: outcome.ruleCount,
    compiledAt: outcome.compiledAt,
    cached: outcome.cached,
    metrics: outcome.metrics,
    ...(outcome.explanation ? { explanation: { id: outcome.configHash, ...outcome.explanation } } : {}),
  };
}

export async function compileWithCache(
  request: { configuration: Configuration; preFetchedContent?: Record<string, string> },
  dependencies: CompileDependencies,
): Promise<CompileOutcome> {
  const started = Date.now();
  const { configHash, key: cacheKey } = await resultCacheKey(request.configuration, request.preFetchedContent);
  const hit = await getList(dependencies.stores, cacheKey);
  const served = hit && (await servedFromCache(dependencies, configHash));
  if (hit && served) {
    if (served.explanation) dependencies.onEvent?.({ type: "explanation", explanation: served.explanation });
    return { ...hit, ...served, cached: true, configHash, durationMs: Date.now() - started };
  }

  const result = await compile(request.configuration, compileOptions(dependencies));
  const list: CompiledList = {
    text: result.text,
    ruleCount: result.ruleCount,
    compiledAt: new Date().toISOString(),
    metrics: result.metrics,
  };
  const { etag } = await putList(dependencies.stores, cacheKey, list, RESULT_CACHE_TTL_SECONDS);
  if (result.explained) {
    await writeCached(dependencies.stores.kv, explanationKey(configHash), result.explained, RESULT_CACHE_TTL_SECONDS);
  }
  const outcome = { ...list, cached: false, configHash, etag, durationMs: Date.now() - started };
  return result.explained ? { ...outcome, explanation: result.explained.explanation } : outcome;
}

/**
 * Whether a cached list serves this request: always without `explain`; with it, only when the
 * explanation is cached too (then it comes along). null: compile again.
 */
async function servedFromCache(
  dependencies: CompileDependencies,
  configHash: string,
): Promise<{ explanation?: Explanation } | null> {
  if (!dependencies.explain) return {};
  const explained = await readCached<ExplainedCompile>(dependencies.stores.kv, explanationKey(configHash));
  return explained ? { explanation: explained.explanation } : null;
}

/** What both kinds of compile tell the compiler. */
const compileOptions = (dependencies: CompileDependencies) => ({
  loadSource: dependencies.loadSource,
  onEvent: dependencies.onEvent,
  signal: dependencies.signal,
  compilerVersion: packageJson.version,
  explain: dependencies.explain,
});

/**
 * `compileWithCache` for an async job: its list is stored under `target`, and in the cache, as it
 * is written — never held as one text, so a million-line list fits a Worker's 128 MB (decision
 * 0028). A cached list is copied as it is stored.
 */
export async function compileToStore(
  request: { configuration: Configuration; preFetchedContent?: Record<string, string> },
  dependencies: CompileDependencies,
  target: ListTarget,
): Promise<Omit<CompileOutcome, "text">> {
  const started = Date.now();
  const { stores } = dependencies;
  const { configHash, key: cacheKey } = await resultCacheKey(request.configuration, request.preFetchedContent);
  const hit = await getListHeader(stores, cacheKey);
  const served = hit && (await servedFromCache(dependencies, configHash));
  if (hit && served && (await copyList(stores, cacheKey, target.key, hit.etag, target.ttlSeconds))) {
    const { ruleCount, compiledAt, metrics, etag } = hit;
    return {
      ruleCount,
      compiledAt,
      metrics,
      etag,
      ...served,
      cached: true,
      configHash,
      durationMs: Date.now() - started,
    };
  }

  const result = await compileToBytes(request.configuration, compileOptions(dependencies));
  const list = { ruleCount: result.ruleCount, compiledAt: new Date().toISOString(), metrics: result.metrics };
  const cacheTarget = { key: cacheKey, ttlSeconds: RESULT_CACHE_TTL_SECONDS };
  const { etag } = await putListBytes(stores, [target, cacheTarget], list, result.bytes);
  if (result.explained) {
    await writeCached(stores.kv, explanationKey(configHash), result.explained, RESULT_CACHE_TTL_SECONDS);
  }
  const outcome = { ...list, cached: false, configHash, etag, durationMs: Date.now() - started };
  return result.explained ? { ...outcome, explanation: result.explained.explanation } : outcome;
}

/** Whose explanation: a compile's by its configuration hash (1 h), or a job's by its id (7 days). */
export type ExplainedOf = { configHash: string } | { jobId: string };

const explainedKey = (of: ExplainedOf) => ("jobId" in of ? jobExplanationKey(of.jobId) : explanationKey(of.configHash));

/** The explanation (and trace) of an explained compile or job; null when never explained or expired. */
export const readExplained = (cache: KVNamespace, of: ExplainedOf) =>
  readCached<ExplainedCompile>(cache, explainedKey(of));

/**
 * "Why isn't `host` in my list?" for an explained compile or job, while its result is kept; null
 * when there is no such explanation (never explained, or expired). A job's is its owner's only:
 * the caller checks that before asking.
 */
export async function lookupExplainedHost(
  cache: KVNamespace,
  of: ExplainedOf,
  host: string,
): Promise<HostLookup | null> {
  const explained = await readExplained(cache, of);
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
): List & { blocks?: readonly Uint8Array[] } {
  if (format === undefined || format === "adblock") return list;
  const converted = convertedOutput(list, format, onEvent);
  return {
    ...list,
    // decoded only when read: a plain-text response sends the blocks instead
    get text() {
      return converted.text;
    },
    blocks: converted.blocks,
    metrics: { ...list.metrics, formats: [converted.report] },
  };
}

/** The list converted to `format` (another than adblock), its report sent as a `format` event. */
export function convertedOutput(
  list: CompiledList,
  format: OutputFormat,
  onEvent?: (event: CompileEvent) => void,
): FormatOutput {
  let converted: FormatOutput;
  try {
    converted = convertCompiledList(list.text, format, new Date(list.compiledAt));
  } catch (error) {
    throw explainCompileError(error);
  }
  onEvent?.({ type: "format", ...converted.report });
  return converted;
}

/** One row per finished sync, stream or batch compile: the usage history. */
async function recordCompilation(
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
  context: LoadContext,
  principal: Principal,
  kind: "sync" | "stream" | "batch",
  request: CompileRequest,
  options: { signal?: AbortSignal; onEvent?: (event: CompileEvent) => void } = {},
): Promise<CompileOutcome> {
  checkCompileBudget(request);
  const started = Date.now();
  const { db } = context.database;
  try {
    const compiled = await compileWithCache(request, {
      stores: context.services.results,
      loadSource: context.services.sources(request.preFetchedContent),
      explain: request.explain,
      ...options,
    });
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
