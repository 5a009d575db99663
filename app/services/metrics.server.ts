/**
 * The operators' summary, read from Postgres (the record of what happened, where Analytics Engine
 * is the sampled stream): users by tier and role, API keys by state, compilations by kind and
 * status over the last day and month, and the async jobs that failed, with their reasons.
 */
import { and, count, desc, eq, gt, gte, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { apiKeys, compilations, users } from "~/db/schema";
import type { Database } from "./db.server";

const DAY_MS = 24 * 60 * 60 * 1000;
const METRIC_WINDOWS = { last24h: DAY_MS, last30d: 30 * DAY_MS } as const;
// Enough to see what is going wrong without shipping the whole failure history in one response.
const MAX_FAILED_JOBS = 20;
const MAX_FAILURE_REASONS = 10;

type Counts = Record<string, number>;

const tally = <T extends { n: number }>(rows: T[], keyOf: (row: T) => string): Counts =>
  Object.fromEntries(rows.map((row) => [keyOf(row), Number(row.n)]));

type Reader = Pick<Database, "select">;

async function compilationWindow(db: Reader, since: Date) {
  const rows = await db
    .select({ kind: compilations.kind, status: compilations.status, n: count() })
    .from(compilations)
    .where(gte(compilations.createdAt, since))
    .groupBy(compilations.kind, compilations.status);
  const byStatus: Counts = {};
  const byKind: Record<string, Counts> = {};
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + Number(row.n);
    byKind[row.kind] = { ...byKind[row.kind], [row.status]: Number(row.n) };
  }
  return { total: Object.values(byStatus).reduce((sum, n) => sum + n, 0), byStatus, byKind };
}

export async function summarizeMetrics(db: Database, now = new Date()) {
  // One read-only snapshot on one connection: the numbers agree with each other, and a Worker
  // may hold only six connections at once.
  return db.transaction((tx) => summarize(tx, now), { isolationLevel: "repeatable read", accessMode: "read only" });
}

async function summarize(db: Reader, now: Date) {
  const since30d = new Date(now.getTime() - METRIC_WINDOWS.last30d);
  const failedSince30d = and(eq(compilations.status, "failed"), gte(compilations.createdAt, since30d));
  const usersByTier = await db.select({ tier: users.tier, n: count() }).from(users).groupBy(users.tier);
  const usersByRole = await db.select({ role: users.role, n: count() }).from(users).groupBy(users.role);
  const [keys] = await db
    .select({
      active: sql<number>`count(*) filter (where ${and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)))})`,
      revoked: sql<number>`count(*) filter (where ${isNotNull(apiKeys.revokedAt)})`,
      expired: sql<number>`count(*) filter (where ${and(isNull(apiKeys.revokedAt), lte(apiKeys.expiresAt, now))})`,
    })
    .from(apiKeys);
  const last24h = await compilationWindow(db, new Date(now.getTime() - METRIC_WINDOWS.last24h));
  const last30d = await compilationWindow(db, since30d);
  const reasons = await db
    .select({ reason: sql<string>`coalesce(${compilations.error}, 'unknown')`, n: count() })
    .from(compilations)
    .where(failedSince30d)
    .groupBy(sql`1`)
    .orderBy(desc(count()))
    .limit(MAX_FAILURE_REASONS);
  const recentFailures = await db
    .select({
      id: compilations.id,
      kind: compilations.kind,
      error: compilations.error,
      attempts: compilations.attempts,
      createdAt: compilations.createdAt,
      finishedAt: compilations.finishedAt,
    })
    .from(compilations)
    .where(and(failedSince30d, eq(compilations.kind, "async")))
    .orderBy(desc(compilations.createdAt))
    .limit(MAX_FAILED_JOBS);
  return {
    generatedAt: now.toISOString(),
    users: {
      total: usersByTier.reduce((sum, row) => sum + Number(row.n), 0),
      byTier: tally(usersByTier, (row) => row.tier),
      byRole: tally(usersByRole, (row) => row.role),
    },
    apiKeys: { active: Number(keys.active), revoked: Number(keys.revoked), expired: Number(keys.expired) },
    compilations: { last24h, last30d },
    failedJobs: {
      last30d: last30d.byKind.async?.failed ?? 0,
      reasons: reasons.map((row) => ({ reason: row.reason, count: Number(row.n) })),
      recent: recentFailures.map((job) => ({
        id: job.id,
        kind: job.kind,
        error: job.error,
        attempts: job.attempts,
        createdAt: job.createdAt.toISOString(),
        finishedAt: job.finishedAt?.toISOString() ?? null,
      })),
    },
  };
}

export type MetricsSummary = Awaited<ReturnType<typeof summarize>>;
