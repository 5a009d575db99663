/** What administrators can see and change: users' tier and role, the compile cache, failed jobs. */
import { and, desc, eq, ilike, or } from "drizzle-orm";
import { compilations, type Role, type Tier, users } from "~/db/schema";
import type { Database } from "./db.server";
import type { AppEnv } from "./env.server";
import { ApiError } from "./http.server";
import type { JobMessage } from "./jobs.server";
import { forgetUser } from "./principal-cache.server";
import { isDevIdentityEnabled } from "./session-token.server";

const USER_PAGE = 50;
const FAILED_JOBS = 50;
// KV list pages hold at most 1000 keys; counting stops here so the admin page stays fast.
const CACHE_COUNT_LIMIT = 10_000;
const CLERK_API = "https://api.clerk.com/v1";

export async function searchUsers(db: Database, query: string) {
  const pattern = `%${query.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return db
    .select({
      id: users.id,
      email: users.email,
      clerkUserId: users.clerkUserId,
      tier: users.tier,
      role: users.role,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(query ? or(ilike(users.email, pattern), ilike(users.clerkUserId, pattern)) : undefined)
    .orderBy(desc(users.createdAt))
    .limit(USER_PAGE);
}

/**
 * Changes a user's tier and role. Clerk's `public_metadata` is updated first (the session token's
 * `metadata` claim comes from it), so the two never disagree for long — except on the dev stack's
 * own sign-in, which has no Clerk instance behind it.
 */
export async function setUserAccess(
  config: AppEnv,
  request: Request,
  db: Database,
  userId: string,
  access: { tier: Tier; role: Role },
) {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new ApiError(404, "No such user.");
  if (!isDevIdentityEnabled(config, request)) {
    const response = await fetch(`${CLERK_API}/users/${encodeURIComponent(user.clerkUserId)}/metadata`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${config.CLERK_SECRET_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ public_metadata: access }),
      signal: AbortSignal.timeout(5_000),
    }).catch(() => null);
    if (!response?.ok) throw new ApiError(503, "Clerk did not accept the change; nothing was changed. Try again.");
  }
  await db
    .update(users)
    .set({ ...access, updatedAt: new Date() })
    .where(eq(users.id, userId));
  forgetUser({ id: userId });
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

export async function cacheStats(kv: KVNamespace) {
  const [results, sources, jobResults] = await Promise.all([
    countKeys(kv, "compile:"),
    countKeys(kv, "source:"),
    countKeys(kv, "result:"),
  ]);
  return { results, sources, jobResults };
}

/** Drops cached compile results and source copies; job results stay (their owners still need them). */
export async function purgeCompileCache(kv: KVNamespace): Promise<number> {
  let deleted = 0;
  for (const prefix of ["compile:", "source:"]) {
    let cursor: string | undefined;
    do {
      const page = await kv.list({ prefix, cursor });
      await Promise.all(page.keys.map((key) => kv.delete(key.name)));
      deleted += page.keys.length;
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
  return deleted;
}

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
export async function retryJob(db: Database, queues: { standard: Queue; high: Queue }, jobId: string) {
  const [job] = await db
    .update(compilations)
    .set({ status: "queued", error: null, finishedAt: null, startedAt: null })
    .where(and(eq(compilations.id, jobId), eq(compilations.status, "failed"), eq(compilations.kind, "async")))
    .returning();
  if (!job) throw new ApiError(404, "No failed async job with that id.");
  const queue = job.priority === "high" ? queues.high : queues.standard;
  await queue.send({ jobId } satisfies JobMessage, { contentType: "json" });
}
