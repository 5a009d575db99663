/** What the dashboard overview shows: the current rate-limit window and the compile history. */
import { and, desc, eq, gte, sql } from "drizzle-orm";
import { compilations, TIER_LIMITS } from "~/db/schema";
import type { Database } from "./db.server";
import type { Principal } from "./principal";
import { principalBucket, type RateLimiter, windowEnd } from "./rate-limit.server";

const HISTORY_DAYS = 30;
const RECENT_JOBS = 5;

export interface WindowUsage {
  limit: number | null;
  used: number | null;
  resetsAt: string;
}

export async function currentWindowUsage(limiter: RateLimiter, principal: Principal): Promise<WindowUsage> {
  const now = Date.now();
  const limit = TIER_LIMITS[principal.tier];
  const resetsAt = new Date(windowEnd(now)).toISOString();
  if (!Number.isFinite(limit)) return { limit: null, used: null, resetsAt };
  // The overview is still useful when the limiter's store is not: show the limit without the count.
  const used = await limiter.used(principalBucket(principal), now).catch(() => null);
  return { limit, used, resetsAt };
}

export interface DailyCount {
  day: string;
  succeeded: number;
  failed: number;
}

/** Compiles per UTC day for the last 30 days, every day present (zeros included) so the chart has no gaps. */
export async function compilesPerDay(db: Database, userId: string, now = new Date()): Promise<DailyCount[]> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (HISTORY_DAYS - 1)));
  const rows = await db
    .select({
      day: sql<string>`to_char(date_trunc('day', ${compilations.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`,
      succeeded: sql<number>`count(*) filter (where ${compilations.status} = 'succeeded')::int`,
      failed: sql<number>`count(*) filter (where ${compilations.status} = 'failed')::int`,
    })
    .from(compilations)
    .where(and(eq(compilations.userId, userId), gte(compilations.createdAt, start)))
    .groupBy(sql`1`);
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return Array.from({ length: HISTORY_DAYS }, (_, index) => {
    const day = new Date(start.getTime() + index * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return { day, succeeded: row?.succeeded ?? 0, failed: row?.failed ?? 0 };
  });
}

export async function recentJobs(db: Database, userId: string) {
  return db
    .select()
    .from(compilations)
    .where(eq(compilations.userId, userId))
    .orderBy(desc(compilations.createdAt))
    .limit(RECENT_JOBS);
}
