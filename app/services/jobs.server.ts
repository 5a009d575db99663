/**
 * Async compile jobs. The `compilations` row is written first (status `queued`) and holds the
 * request; the queue message carries only the job id (Queues caps a message at 128 KB). The
 * consumer claims a job atomically, so a redelivered message never compiles twice. A small request
 * is kept after the job ends so its owner can run it again (decision 0030).
 */
import { and, count, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { CompileMetrics } from "~/compiler";
import { type Compilation, compilations, type Tier, users } from "~/db/schema";
import { type Analytics, logOnlyAnalytics } from "./analytics.server";
import { JOB_RESULT_TTL_SECONDS, jobResultKey } from "./compile-cache.server";
import type { Database } from "./db.server";
import { ApiError } from "./http.server";
import { ownerOf, type Principal } from "./principal";
import { getList, getListHeader, type ListStores, openListText, type StoredList } from "./results.server";

export type Priority = "standard" | "high";
export interface JobMessage {
  jobId: string;
}

/** The async compile queues (load-context.ts binds them). */
export interface CompileQueues {
  standard: Queue;
  high: Queue;
}

const mayUseHighPriority = (tier: Tier) => tier === "pro" || tier === "admin";

const queueFor = (queues: CompileQueues, priority: Priority) => (priority === "high" ? queues.high : queues.standard);
// Longer than any compile can run in a Worker: a `running` job older than this was abandoned by a crashed consumer.
export const JOB_LEASE_MS = 5 * 60_000;

// Queued + running jobs per user: each holds its request (up to 10 MB) until it ends, so a backlog
// is storage and consumer time; free fits a 20-item batch, pro two full batches of 100.
export const MAX_ACTIVE_JOBS: Record<Tier, number> = { free: 20, pro: 200, admin: 1_000 };
// A typical job ends within seconds; half a minute lets a backlog drain before the next try.
export const TOO_MANY_JOBS_RETRY_AFTER_SECONDS = 30;

const ACTIVE_STATUSES = ["queued", "running"] as const;

/**
 * A finished job's request is kept up to this size (as JSON) for a re-run: configurations and
 * pasted lists of a few thousand rules fit; a 10 MB request would make the job history the
 * biggest table for a button that the playground's own upload replaces.
 */
export const KEPT_REQUEST_MAX_BYTES = 1024 * 1024;
// A request is kept as long as the job's result (7 days): re-running is offered beside the result.
export const REQUEST_RETENTION_MS = JOB_RESULT_TTL_SECONDS * 1000;

/**
 * What every end of a job sets: the time, and the request only while it is small enough to keep.
 * It holds the configuration and pasted lists as sent, never the Turnstile token or the API key.
 */
const ended = () => ({
  finishedAt: new Date(),
  request: sql`case when octet_length(${compilations.request}::text) <= ${KEPT_REQUEST_MAX_BYTES} then ${compilations.request} end`,
});

/** What a job compiles: stored in its row as it is (the configuration is parsed again by the consumer). */
export interface JobRequest {
  configuration: unknown;
  preFetchedContent?: Record<string, string>;
  explain?: boolean;
}

// A configuration's `name` as the jobs pages show it; the compiler does not cap it, the pages do.
const JOB_NAME_MAX = 200;

const listNameOf = (configuration: unknown): string | null => {
  const name = (configuration as { name?: unknown } | null)?.name;
  return typeof name === "string" && name.trim() ? name.trim().slice(0, JOB_NAME_MAX) : null;
};

export async function enqueueJobs(
  db: Database,
  queues: CompileQueues,
  principal: Principal,
  priority: Priority,
  requests: JobRequest[],
  analytics: Analytics = logOnlyAnalytics,
): Promise<Compilation[]> {
  const { userId, tier } = ownerOf(principal);
  if (priority === "high" && !mayUseHighPriority(tier)) {
    throw new ApiError(403, 'priority "high" is for the pro and admin tiers.', { code: "priority_not_allowed" });
  }
  const jobs = await db.transaction(async (tx) => {
    // One submitter per user at a time, so two concurrent batches cannot both fit under the cap.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`jobs:${userId}`}))`);
    const [{ active }] = await tx
      .select({ active: count() })
      .from(compilations)
      .where(and(eq(compilations.userId, userId), inArray(compilations.status, ACTIVE_STATUSES)));
    const cap = MAX_ACTIVE_JOBS[tier];
    if (active + requests.length > cap) {
      throw new ApiError(
        429,
        `You have ${active} queued or running jobs and the ${tier} tier allows ${cap} at once; ` +
          `${requests.length} more would exceed it. Wait for some to finish.`,
        { code: "too_many_jobs", headers: { "Retry-After": String(TOO_MANY_JOBS_RETRY_AFTER_SECONDS) } },
      );
    }
    return tx
      .insert(compilations)
      .values(
        requests.map((request) => ({
          userId,
          apiKeyId: principal.apiKeyId ?? null,
          kind: "async" as const,
          status: "queued" as const,
          priority,
          name: listNameOf(request.configuration),
          explain: request.explain === true,
          request,
        })),
      )
      .returning();
  });
  try {
    await queueFor(queues, priority).sendBatch(
      jobs.map((job) => ({ body: { jobId: job.id } satisfies JobMessage, contentType: "json" })),
    );
  } catch (error) {
    // Rows without a message would wait forever: say so on the rows, and to the caller.
    await db
      .update(compilations)
      .set({ ...ended(), status: "failed", error: "The job could not be queued; submit it again." })
      .where(sql`${compilations.id} in ${jobs.map((job) => job.id)}`);
    analytics.record({
      type: "compile",
      outcome: "queue_failed",
      subject: "async",
      tier: principal.tier,
      reason: String(error),
      detail: { jobs: jobs.length },
    });
    throw new ApiError(503, "The job queue is unavailable; try again shortly.", { headers: { "Retry-After": "10" } });
  }
  for (const job of jobs) {
    analytics.record({ type: "compile", outcome: "queued", subject: "async", tier: principal.tier, id: job.id });
  }
  return jobs;
}

type Claim =
  | { outcome: "claimed"; job: Compilation }
  | { outcome: "finished" | "missing" }
  | { outcome: "busy"; retryInMs: number };

/** `queued` (or an abandoned `running`) → `running`, in one statement: only one consumer wins. */
export async function claimJob(db: Database, jobId: string, now = new Date()): Promise<Claim> {
  const staleBefore = new Date(now.getTime() - JOB_LEASE_MS);
  const [job] = await db
    .update(compilations)
    .set({ status: "running", startedAt: now, attempts: sql`${compilations.attempts} + 1` })
    .where(
      and(
        eq(compilations.id, jobId),
        or(
          eq(compilations.status, "queued"),
          and(eq(compilations.status, "running"), lt(compilations.startedAt, staleBefore)),
        ),
      ),
    )
    .returning();
  if (job) return { outcome: "claimed", job };
  const [current] = await db.select().from(compilations).where(eq(compilations.id, jobId)).limit(1);
  if (!current) return { outcome: "missing" };
  if (current.status === "succeeded" || current.status === "failed") return { outcome: "finished" };
  const leaseEnds = (current.startedAt?.getTime() ?? now.getTime()) + JOB_LEASE_MS;
  return { outcome: "busy", retryInMs: Math.max(1_000, leaseEnds - now.getTime()) };
}

/**
 * The row a consumer may still write: the job is `running` under the attempt it claimed. A
 * consumer that outlived its lease (a queue consumer may run for 15 minutes) finds the attempt
 * taken over and writes nothing.
 */
const heldBy = (jobId: string, attempt: number) =>
  and(eq(compilations.id, jobId), eq(compilations.status, "running"), eq(compilations.attempts, attempt));

export async function completeJob(
  db: Database,
  jobId: string,
  attempt: number,
  result: { ruleCount: number; durationMs: number; configHash: string; metrics: CompileMetrics },
): Promise<boolean> {
  const updated = await db
    .update(compilations)
    .set({
      status: "succeeded",
      ruleCount: result.ruleCount,
      metrics: result.metrics,
      durationMs: result.durationMs,
      configHash: result.configHash,
      resultKey: jobResultKey(jobId),
      error: null,
      ...ended(),
    })
    .where(heldBy(jobId, attempt))
    .returning({ id: compilations.id });
  return updated.length > 0;
}

/** A failed attempt: back to `queued` for the retry, with the reason kept for the record. */
export async function releaseJob(db: Database, jobId: string, attempt: number, reason: string) {
  await db.update(compilations).set({ status: "queued", error: reason }).where(heldBy(jobId, attempt));
}

/**
 * Final failure: from the consumer that holds `attempt` (not retriable), or from the dead-letter
 * queue (retries exhausted; `attempt` null) whatever state the job was left in.
 */
export async function failJob(db: Database, jobId: string, reason: string | null, attempt: number | null = null) {
  await db
    .update(compilations)
    .set({
      ...ended(),
      status: "failed",
      error: sql`coalesce(${reason}, ${compilations.error}, 'The job failed.')`,
    })
    .where(
      attempt === null
        ? and(eq(compilations.id, jobId), sql`${compilations.status} in ('queued', 'running')`)
        : heldBy(jobId, attempt),
    );
}

/** The owner's job; someone else's job and no job look the same (404). */
export async function findOwnJob(db: Database, userId: string, jobId: string): Promise<Compilation> {
  const [job] = await db
    .select()
    .from(compilations)
    .where(and(eq(compilations.id, jobId), eq(compilations.userId, userId)))
    .limit(1);
  if (!job) throw new ApiError(404, "No such job.");
  return job;
}

interface Cursor {
  createdAt: string;
  id: string;
}

const encodeCursor = (job: Compilation) =>
  btoa(JSON.stringify({ createdAt: job.createdAt.toISOString(), id: job.id } satisfies Cursor));

const cursorSchema = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(atob(cursor)));
    if (parsed.success) return parsed.data;
  } catch {}
  throw new ApiError(400, "The cursor is not one this API issued.", { code: "invalid_cursor" });
}

// Postgres keeps microseconds, a JS Date milliseconds: compare at the precision the cursor carries.
const createdAtMs = sql`date_trunc('milliseconds', ${compilations.createdAt})`;

/** Newest first, keyset-paginated (stable while new jobs arrive). */
export async function listOwnJobs(db: Database, userId: string, { limit, cursor }: { limit: number; cursor?: string }) {
  const after = cursor ? decodeCursor(cursor) : null;
  const rows = await db
    .select()
    .from(compilations)
    .where(
      and(
        eq(compilations.userId, userId),
        after
          ? sql`(${createdAtMs}, ${compilations.id}) < (${new Date(after.createdAt)}, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(createdAtMs), desc(compilations.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { jobs: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
}

/** A finished async job whose request was kept: its owner may run it again. */
export const canRerun = (job: Compilation) =>
  job.kind === "async" && (job.status === "succeeded" || job.status === "failed") && job.request !== null;

export function publicJob(job: Compilation) {
  return {
    id: job.id,
    name: job.name,
    kind: job.kind,
    status: job.status,
    priority: job.priority,
    ruleCount: job.ruleCount,
    durationMs: job.durationMs,
    attempts: job.attempts,
    error: job.error,
    explain: job.explain,
    rerunnable: canRerun(job),
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

/** A succeeded job's stored list; null while it is not done, after it failed, or once expired. */
export async function jobResult(stores: ListStores, job: Compilation): Promise<StoredList | null> {
  return job.status === "succeeded" ? getList(stores, jobResultKey(job.id)) : null;
}

/** What is known of a succeeded job's list without reading it (counts, ETag); null as for `jobResult`. */
export async function jobResultHeader(stores: ListStores, job: Compilation) {
  return job.status === "succeeded" ? getListHeader(stores, jobResultKey(job.id)) : null;
}

/** A succeeded job's list as a stream of its text; null as for `jobResult`. */
export async function jobResultText(stores: ListStores, job: Compilation) {
  return job.status === "succeeded" ? openListText(stores, jobResultKey(job.id)) : null;
}

/** For pages: the signed-in user's job by a path parameter, or the 404 page. */
export async function ownJobOrNotFound(db: Database, userId: string, id: string | undefined): Promise<Compilation> {
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  try {
    return await findOwnJob(db, userId, parsed.data);
  } catch (error) {
    if (error instanceof ApiError) throw new Response("Not found", { status: 404 });
    throw error;
  }
}

// The admin page's list of failures: the latest, enough to spot a pattern.
const FAILED_JOBS = 50;

/** The latest failed jobs of every user, with the owner's email, for the admin page. */
export async function failedJobs(db: Database) {
  return db
    .select({
      id: compilations.id,
      kind: compilations.kind,
      error: compilations.error,
      attempts: compilations.attempts,
      finishedAt: compilations.finishedAt,
      email: users.email,
    })
    .from(compilations)
    .leftJoin(users, eq(users.id, compilations.userId))
    .where(eq(compilations.status, "failed"))
    .orderBy(desc(compilations.finishedAt))
    .limit(FAILED_JOBS);
}

/** Queues a failed async job again; it keeps its id, so its owner's links still work. */
export async function retryJob(db: Database, queues: CompileQueues, jobId: string) {
  const [job] = await db
    .update(compilations)
    .set({ status: "queued", error: null, finishedAt: null, startedAt: null })
    .where(and(eq(compilations.id, jobId), eq(compilations.status, "failed"), eq(compilations.kind, "async")))
    .returning();
  if (!job) throw new ApiError(404, "No failed async job with that id.");
  await queueFor(queues, job.priority).send({ jobId } satisfies JobMessage, { contentType: "json" });
}

/**
 * Runs a finished job's kept request again as a new job of the same user (the caller's own rate
 * limit and job cap apply, as for any submission); 404 for someone else's job, 409 when the job
 * is still active or its request was not kept.
 */
export async function rerunJob(
  db: Database,
  queues: CompileQueues,
  principal: Principal,
  jobId: string,
  analytics: Analytics = logOnlyAnalytics,
): Promise<Compilation> {
  const owner = ownerOf(principal);
  const job = await findOwnJob(db, owner.userId, jobId);
  if (!canRerun(job)) {
    const why =
      job.kind !== "async"
        ? "Only async jobs can be run again; compile it again in the playground."
        : job.status === "queued" || job.status === "running"
          ? "The job has not finished yet."
          : `The job's request is no longer kept (over ${KEPT_REQUEST_MAX_BYTES / 1024 / 1024} MB, or finished ` +
            `more than ${REQUEST_RETENTION_MS / 86_400_000} days ago); submit it again.`;
    throw new ApiError(409, why, { code: "not_rerunnable" });
  }
  const request = job.request as JobRequest;
  // `high` is the submitter's tier's privilege: a re-run by a downgraded user runs at `standard`.
  const priority = job.priority === "high" && mayUseHighPriority(owner.tier) ? "high" : "standard";
  const [rerun] = await enqueueJobs(db, queues, principal, priority, [request], analytics);
  return rerun;
}

/** Drops the requests kept past their retention (the cron runs this); returns how many. */
export async function forgetOldRequests(db: Database, now = new Date()): Promise<number> {
  const forgotten = await db
    .update(compilations)
    .set({ request: null })
    .where(
      and(
        sql`${compilations.request} is not null`,
        lt(compilations.finishedAt, new Date(now.getTime() - REQUEST_RETENTION_MS)),
      ),
    )
    .returning({ id: compilations.id });
  return forgotten.length;
}
