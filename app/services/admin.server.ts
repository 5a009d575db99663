/** What administrators can see and change: users' tier and role, the compile cache, failed jobs. */
import { and, count, desc, eq, ilike, or, sql } from "drizzle-orm";
import { compilations, type Role, type Tier, type User, users } from "~/db/schema";
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

const listedUser = {
  id: users.id,
  email: users.email,
  clerkUserId: users.clerkUserId,
  tier: users.tier,
  role: users.role,
  createdAt: users.createdAt,
};

export async function findUser(db: Database, userId: string) {
  const [user] = await db.select(listedUser).from(users).where(eq(users.id, userId)).limit(1);
  return user ?? null;
}

export async function searchUsers(db: Database, query: string) {
  const pattern = `%${query.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return db
    .select(listedUser)
    .from(users)
    .where(query ? or(ilike(users.email, pattern), ilike(users.clerkUserId, pattern)) : undefined)
    .orderBy(desc(users.createdAt))
    .limit(USER_PAGE);
}

/**
 * Refuses a change that would take the admin role from the acting administrator, or from the last
 * one: either would lock everyone out of this page until someone edits the database.
 */
async function assertAdminRemains(db: Pick<Database, "select">, actingUserId: string, target: User, role: Role) {
  if (target.role !== "admin" || role === "admin") return;
  if (target.id === actingUserId) {
    throw new ApiError(409, "You cannot take away your own admin role; another administrator can.", {
      code: "own_admin_role",
    });
  }
  const [{ admins }] = await db.select({ admins: count() }).from(users).where(eq(users.role, "admin"));
  if (admins <= 1) {
    throw new ApiError(409, "This is the last administrator; make someone else an administrator first.", {
      code: "last_admin",
    });
  }
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
  actingUserId: string,
  userId: string,
  access: { tier: Tier; role: Role },
) {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new ApiError(404, "No such user.");
  await assertAdminRemains(db, actingUserId, user, access.role);
  if (!isDevIdentityEnabled(config, request)) {
    const response = await fetch(`${CLERK_API}/users/${encodeURIComponent(user.clerkUserId)}/metadata`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${config.CLERK_SECRET_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ public_metadata: access }),
      signal: AbortSignal.timeout(5_000),
    }).catch(() => null);
    if (!response?.ok) throw new ApiError(503, "Clerk did not accept the change; nothing was changed. Try again.");
  }
  await db.transaction(async (tx) => {
    // One role change at a time, so two administrators demoting each other cannot both pass the check.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('users:admin-role'))`);
    const [current] = await tx.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!current) throw new ApiError(404, "No such user.");
    await assertAdminRemains(tx, actingUserId, current, access.role);
    await tx
      .update(users)
      .set({ ...access, updatedAt: new Date() })
      .where(eq(users.id, userId));
  });
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
