/**
 * Keeping published lists fresh (ARCHITECTURE §10, docs/decisions/0018):
 *
 *   cron → claimDueLists (one UPDATE … FOR UPDATE SKIP LOCKED sets a lease) → one queue message per list
 *   consumer → refreshList:
 *     fetch every source with its validators ── all unchanged and the configuration too? record, stop
 *     compile in every format ── same rules as the current version? record, stop
 *     guardrail (a failed source, a shrink past the list's threshold) → version "held", keep serving
 *     else R2 files → version row → current pointer (Postgres, then the KV index) → webhooks
 */

import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { type Configuration, compile, type OutputFormat } from "~/compiler";
import { isComment } from "~/compiler/rule";
import {
  type List,
  type ListCheckOutcome,
  type ListFile,
  type ListSourceStatus,
  type ListVersion,
  lists,
  listVersions,
} from "~/db/schema";
import type { LoadContext } from "~/load-context";
import packageJson from "../../package.json";
import type { Analytics } from "./analytics.server";
import { parseCompileRequest } from "./compilations.server";
import type { Database } from "./db.server";
import { sha256Hex } from "./digest.server";
import type { AppEnv } from "./env.server";
import { ApiError } from "./http.server";
import {
  deleteListFiles,
  fileKey,
  putListFile,
  readListFile,
  withExpiresLine,
  writeIndexRecord,
} from "./list-files.server";
import { emitListEvent } from "./list-webhooks.server";
import {
  currentVersion,
  indexRecordOf,
  LIST_LIMITS,
  listConfigHash,
  REFRESH_NOW_COOLDOWN_SECONDS,
} from "./lists.server";
import { createSourceFetcher, type SourceAnswer, SourceFetchError } from "./sources.server";

// Longer than a refresh and its queue retries take; a lease older than this was abandoned by a crash.
export const LIST_LEASE_MS = 30 * 60_000;
// Lists claimed per cron run: a run must finish well within the scheduled handler's limits.
export const MAX_LISTS_PER_RUN = 200;
// A diff page: lists have 10⁵–10⁶ rules, a page is what a person reads.
export const MAX_DIFF_PAGE = 1_000;

export interface ListServices {
  db: Database;
  bucket: R2Bucket;
  index: KVNamespace;
  /** The source revalidation cache (sources.server.ts). */
  sourceCache: KVNamespace;
  queues: { standard: Queue; high: Queue };
  config: AppEnv;
  analytics: Analytics;
}

/** What a refresh, a list route or a webhook delivery works with, from the load context. */
export const listServicesOf = (context: LoadContext): ListServices => ({
  db: context.database.db,
  bucket: context.services.lists.files,
  index: context.services.lists.index,
  sourceCache: context.services.compileCache,
  queues: context.services.queues,
  config: context.config,
  analytics: context.analytics,
});

export const listRefreshMessage = z.object({ kind: z.literal("list_refresh"), listId: z.uuid() });
type ListRefreshMessage = z.infer<typeof listRefreshMessage>;

const leaseEnd = (now: Date) => new Date(now.getTime() + LIST_LEASE_MS);

/** Due lists, each leased in the same statement, so overlapping cron runs never claim one twice. */
export async function claimDueLists(db: Database, now = new Date(), limit = MAX_LISTS_PER_RUN): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    update ${lists}
    set lease_until = ${leaseEnd(now)},
        next_run_at = ${now}::timestamptz + make_interval(mins => ${lists.refreshMinutes})
    where ${lists.id} in (
      select id from ${lists}
      where next_run_at <= ${now} and (lease_until is null or lease_until < ${now})
      order by next_run_at
      limit ${limit}
      for update skip locked
    )
    returning ${lists.id} as id`);
  return rows.rows.map((row) => row.id);
}

/** The scheduled handler's work: claim what is due and queue one refresh per list. */
export async function scheduleDueLists(services: ListServices, now = new Date()): Promise<number> {
  const ids = await claimDueLists(services.db, now);
  if (ids.length === 0) return 0;
  try {
    await services.queues.standard.sendBatch(
      ids.map((listId) => ({
        body: { kind: "list_refresh", listId } satisfies ListRefreshMessage,
        contentType: "json",
      })),
    );
  } catch (error) {
    // Without a message the lease would hold the lists until it runs out: let the next run take them.
    await services.db.update(lists).set({ leaseUntil: null }).where(inArray(lists.id, ids));
    throw error;
  }
  for (const id of ids) services.analytics.record({ type: "list", outcome: "claimed", id });
  return ids.length;
}

/** "Refresh now": high priority, at most once per REFRESH_NOW_COOLDOWN_SECONDS per list. */
export async function requestRefresh(services: ListServices, list: List, now = new Date()) {
  const cooldownStart = new Date(now.getTime() - REFRESH_NOW_COOLDOWN_SECONDS * 1000);
  const [claimed] = await services.db
    .update(lists)
    .set({ refreshRequestedAt: now, leaseUntil: leaseEnd(now) })
    .where(
      and(eq(lists.id, list.id), or(isNull(lists.refreshRequestedAt), lt(lists.refreshRequestedAt, cooldownStart))),
    )
    .returning({ requestedAt: lists.refreshRequestedAt });
  if (!claimed) {
    const waited = now.getTime() - (list.refreshRequestedAt?.getTime() ?? now.getTime());
    const retryAfter = Math.max(1, Math.ceil(REFRESH_NOW_COOLDOWN_SECONDS - waited / 1000));
    throw new ApiError(429, `This list was refreshed moments ago; try again in ${retryAfter} s.`, {
      code: "refresh_too_soon",
      headers: { "Retry-After": String(retryAfter) },
    });
  }
  await enqueueRefresh(services, list);
}

/** A new list's first version, at once and at high priority (not counted against "Refresh now"). */
export async function enqueueRefresh(services: ListServices, list: List, now = new Date()) {
  await services.db
    .update(lists)
    .set({ leaseUntil: leaseEnd(now) })
    .where(eq(lists.id, list.id));
  await services.queues.high.send({ kind: "list_refresh", listId: list.id } satisfies ListRefreshMessage, {
    contentType: "json",
  });
}

/** Adblock rules of a compiled list: the lines a blocker acts on (no header, no comments). */
export function rulesOf(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "" && !isComment(line));
}

interface FetchedSources {
  texts: Map<string, string>;
  statuses: ListSourceStatus[];
}

/**
 * Every source, fetched with the validators the revalidation cache holds. A source counts as
 * unchanged when it answered 304 or its body hashes as last time (the cache entry may have expired).
 */
async function fetchSources(services: ListServices, list: List, configuration: Configuration): Promise<FetchedSources> {
  const answers = new Map<string, SourceAnswer>();
  const fetcher = createSourceFetcher({
    cache: services.sourceCache,
    allowedPrivateHosts: services.config.SOURCE_ALLOW_PRIVATE_HOSTS,
    onAnswer: (source, answer) => answers.set(source, answer),
  });
  const before = new Map((list.sourceStatus ?? []).map((status) => [status.url, status]));
  const urls = [...new Set(configuration.sources.map((source) => source.source))];
  const texts = new Map<string, string>();
  const statuses = await Promise.all(
    urls.map(async (url): Promise<ListSourceStatus> => {
      try {
        const text = await fetcher.load(url);
        texts.set(url, text);
        const sha256 = await sha256Hex(text);
        const answer = answers.get(url);
        const unchanged = answer?.notModified === true || before.get(url)?.sha256 === sha256;
        return {
          url,
          status: unchanged ? "not_modified" : "fetched",
          etag: answer?.etag,
          lastModified: answer?.lastModified,
          sha256,
        };
      } catch (error) {
        if (!(error instanceof SourceFetchError)) throw error;
        return { url, status: "failed", error: error.message };
      }
    }),
  );
  return { texts, statuses };
}

async function recordCheck(
  db: Database,
  list: List,
  outcome: ListCheckOutcome,
  changes: Partial<typeof lists.$inferInsert> = {},
) {
  await db
    .update(lists)
    .set({
      lastCheckedAt: new Date(),
      lastCheckOutcome: outcome,
      checks: sql`${lists.checks} + 1`,
      leaseUntil: null,
      ...changes,
    })
    .where(eq(lists.id, list.id));
}

export type RefreshResult = { outcome: ListCheckOutcome; version?: number };

/**
 * One refresh of one list. A failure a retry may cure (the database, R2, the queue) is thrown for
 * the queue to retry; a failing source is the guardrail's business; a configuration that no longer
 * compiles is recorded as `failed` (and sent as `list.failed`).
 */
export async function refreshList(services: ListServices, listId: string): Promise<RefreshResult | null> {
  const { db } = services;
  const [list] = await db.select().from(lists).where(eq(lists.id, listId)).limit(1);
  if (!list) return null;
  let configuration: Configuration;
  try {
    configuration = parseCompileRequest(list.configuration);
  } catch (error) {
    return failRefresh(services, list, error instanceof Error ? error.message : String(error));
  }
  const configHash = await listConfigHash(list);
  const { texts, statuses } = await fetchSources(services, list, configuration);
  const sourceChanges = { sourceStatus: statuses, checkedConfigHash: configHash };
  if (
    list.currentVersionId &&
    configHash === list.checkedConfigHash &&
    statuses.every((status) => status.status === "not_modified")
  ) {
    await recordCheck(db, list, "sources_unchanged", { ...sourceChanges, lastError: null });
    services.analytics.record({ type: "list", outcome: "sources_unchanged", id: list.id });
    return { outcome: "sources_unchanged" };
  }

  const formats: OutputFormat[] = ["adblock", ...(list.formats as OutputFormat[]).filter((f) => f !== "adblock")];
  let compiled: Awaited<ReturnType<typeof compile>>;
  try {
    compiled = await compile(configuration, {
      loadSource: async (source) => texts.get(source) ?? "",
      formats,
      compilerVersion: packageJson.version,
    });
  } catch (error) {
    return failRefresh(services, list, error instanceof Error ? error.message : String(error), sourceChanges);
  }
  const rules = rulesOf(compiled.outputs[0].text);
  const rulesHash = await sha256Hex(rules.join("\n"));
  const current = await currentVersion(db, list);
  const failedSources = statuses.filter((status) => status.status === "failed");
  if (current && current.rulesHash === rulesHash && failedSources.length === 0) {
    await recordCheck(db, list, "output_unchanged", { ...sourceChanges, lastError: null });
    services.analytics.record({ type: "list", outcome: "output_unchanged", id: list.id });
    return { outcome: "output_unchanged" };
  }

  const counts = await changeCounts(services.bucket, current, rules);
  const reasons = failedSources.map((status) => `A source failed: ${status.error}`);
  if (current && rules.length < current.ruleCount * (1 - list.shrinkThresholdPct / 100)) {
    const shrink = Math.round((1 - rules.length / current.ruleCount) * 100);
    reasons.push(
      `The list would shrink by ${shrink} % (${current.ruleCount} → ${rules.length} rules), more than its ${list.shrinkThresholdPct} % threshold.`,
    );
  }
  const status = reasons.length > 0 ? "held" : "published";
  const version = await writeVersion(services, list, {
    status,
    ruleCount: rules.length,
    rulesHash,
    ...counts,
    sources: statuses,
    reason: reasons.length > 0 ? reasons.join(" ") : null,
    outputs: compiled.outputs.map((output) => ({ format: output.format, text: output.text })),
  });
  if (status === "published") {
    await publishVersion(services, list, version);
    await recordCheck(db, list, "published", { ...sourceChanges, lastError: null });
  } else {
    await recordCheck(db, list, "held", { ...sourceChanges, lastError: version.reason });
    await emitListEvent(services, list, "list.held", versionEventData(version));
  }
  services.analytics.record({ type: "list", outcome: status, id: list.id, ruleCount: rules.length });
  return { outcome: status, version: version.number };
}

async function failRefresh(
  services: ListServices,
  list: List,
  reason: string,
  changes: Partial<typeof lists.$inferInsert> = {},
): Promise<RefreshResult> {
  await recordCheck(services.db, list, "failed", { ...changes, lastError: reason });
  await emitListEvent(services, list, "list.failed", { error: reason });
  services.analytics.record({ type: "list", outcome: "failed", id: list.id });
  return { outcome: "failed" };
}

/** The queue's last word on a refresh whose retries ran out (the dead-letter queue). */
export async function deadLetterRefresh(services: ListServices, listId: string) {
  const [list] = await services.db.select().from(lists).where(eq(lists.id, listId)).limit(1);
  if (list) await failRefresh(services, list, "The refresh failed repeatedly; the next scheduled run will try again.");
}

async function changeCounts(bucket: R2Bucket, current: ListVersion | null, rules: string[]) {
  const previousKey = current?.files.adblock?.key;
  const previousText = previousKey ? await readListFile(bucket, previousKey) : null;
  if (previousText === null) return { added: rules.length, removed: 0 };
  const diff = diffRules(rulesOf(previousText), rules);
  return { added: diff.added.length, removed: diff.removed.length };
}

export function diffRules(from: readonly string[], to: readonly string[]) {
  const before = new Set(from);
  const after = new Set(to);
  return { added: to.filter((rule) => !before.has(rule)), removed: from.filter((rule) => !after.has(rule)) };
}

interface NewVersion {
  status: "published" | "held";
  ruleCount: number;
  rulesHash: string;
  added: number;
  removed: number;
  sources: ListSourceStatus[];
  reason: string | null;
  outputs: { format: OutputFormat; text: string }[];
}

/** Files first, then the row, under the list's lock: two refreshes never write the same number. */
async function writeVersion(services: ListServices, list: List, version: NewVersion): Promise<ListVersion> {
  return services.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`list:${list.id}`}))`);
    const [{ last }] = await tx
      .select({ last: sql<number>`coalesce(max(${listVersions.number}), 0)` })
      .from(listVersions)
      .where(eq(listVersions.listId, list.id));
    const number = Number(last) + 1;
    const files: Record<string, ListFile> = {};
    for (const output of version.outputs) {
      const text = withExpiresLine(output.text, list.refreshMinutes);
      files[output.format] = await putListFile(services.bucket, fileKey(list.id, number, output.format), text);
    }
    const [row] = await tx
      .insert(listVersions)
      .values({
        listId: list.id,
        number,
        status: version.status,
        ruleCount: version.ruleCount,
        added: version.added,
        removed: version.removed,
        rulesHash: version.rulesHash,
        files,
        sources: version.sources,
        reason: version.reason,
      })
      .returning();
    return row;
  });
}

/** The version becomes what the subscribe URLs serve: Postgres first, then the hot path's copy. */
export async function publishVersion(services: ListServices, list: List, version: ListVersion) {
  const publishedAt = new Date();
  const [published] = await services.db
    .update(listVersions)
    .set({ status: "published", publishedAt })
    .where(eq(listVersions.id, version.id))
    .returning();
  await services.db.update(lists).set({ currentVersionId: version.id }).where(eq(lists.id, list.id));
  await writeIndexRecord(services.index, list.slug, indexRecordOf(list, published));
  await pruneVersions(services, list, version.id);
  await emitListEvent(services, list, "list.updated", versionEventData(published));
}

export async function publishHeld(services: ListServices, list: List, version: ListVersion) {
  if (version.status !== "held") {
    throw new ApiError(409, `Version ${version.number} is ${version.status}, not held.`, { code: "not_held" });
  }
  await publishVersion(services, list, version);
  await services.db.update(lists).set({ lastError: null }).where(eq(lists.id, list.id));
}

export async function discardHeld(services: ListServices, list: List, version: ListVersion) {
  if (version.status !== "held") {
    throw new ApiError(409, `Version ${version.number} is ${version.status}, not held.`, { code: "not_held" });
  }
  await services.db.update(listVersions).set({ status: "discarded", files: {} }).where(eq(listVersions.id, version.id));
  await deleteListFiles(services.bucket, Object.values(version.files));
  await services.db.update(lists).set({ lastError: null }).where(eq(lists.id, list.id));
}

/** Keeps the tier's last N versions (and always the current one); older rows and their R2 files go. */
async function pruneVersions(services: ListServices, list: List, currentId: string) {
  const [owner] = await services.db
    .execute<{ tier: "free" | "pro" | "admin" }>(sql`select tier from users where id = ${list.userId}`)
    .then((result) => result.rows);
  const kept = LIST_LIMITS[owner?.tier ?? "free"].keptVersions;
  const old = await services.db
    .select()
    .from(listVersions)
    .where(eq(listVersions.listId, list.id))
    .orderBy(desc(listVersions.number))
    .offset(kept);
  const doomed = old.filter((version) => version.id !== currentId);
  if (doomed.length === 0) return;
  await deleteListFiles(
    services.bucket,
    doomed.flatMap((version) => Object.values(version.files)),
  );
  await services.db.delete(listVersions).where(
    inArray(
      listVersions.id,
      doomed.map((version) => version.id),
    ),
  );
}

function versionEventData(version: ListVersion) {
  return {
    version: version.number,
    status: version.status,
    ruleCount: version.ruleCount,
    added: version.added,
    removed: version.removed,
    reason: version.reason,
  };
}

/** Added and removed rules between two versions, a page at a time (each side paged alike). */
export async function diffVersions(
  bucket: R2Bucket,
  from: ListVersion,
  to: ListVersion,
  page: { offset: number; limit: number },
) {
  const [fromText, toText] = await Promise.all(
    [from, to].map((version) => (version.files.adblock ? readListFile(bucket, version.files.adblock.key) : null)),
  );
  if (fromText === null || toText === null) {
    throw new ApiError(404, "The files of one of these versions are no longer kept.", { code: "version_gone" });
  }
  const diff = diffRules(rulesOf(fromText), rulesOf(toText));
  const end = page.offset + page.limit;
  return {
    from: from.number,
    to: to.number,
    addedCount: diff.added.length,
    removedCount: diff.removed.length,
    added: diff.added.slice(page.offset, end),
    removed: diff.removed.slice(page.offset, end),
    offset: page.offset,
    nextOffset: end < Math.max(diff.added.length, diff.removed.length) ? end : null,
  };
}
