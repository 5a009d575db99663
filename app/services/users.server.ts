/** The users table: rows synced from Clerk, created on first sign-in when the webhook is late. */
import { and, desc, eq, ilike, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { type ClerkSyncOutcome, deletedUsers, ROLES, type Role, TIERS, type Tier, type User, users } from "~/db/schema";
import { setClerkPublicMetadata } from "./clerk-api.server";
import type { Database } from "./db.server";
import type { AppEnv } from "./env.server";
import { ApiError } from "./http.server";
import { forgetUser } from "./principal-cache.server";
import { isDevIdentityEnabled } from "./session-token.server";

/** A database or an open transaction: the row changes below work in either. */
export type Queryable = Pick<Database, "select" | "insert" | "update" | "delete" | "execute">;

export async function findUserByClerkId(db: Database, clerkUserId: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.clerkUserId, clerkUserId)).limit(1);
  return user ?? null;
}

/**
 * The row of a signed-in user, created (free/user) on their first request since Clerk's webhook
 * may arrive later. A deleted (tombstoned) user gets no row back: null.
 */
export async function ensureUserForSession(
  db: Database,
  { clerkUserId, email }: { clerkUserId: string; email?: string | null },
): Promise<User | null> {
  const existing = await findUserByClerkId(db, clerkUserId);
  if (existing) return existing;
  const [tombstone] = await db.select().from(deletedUsers).where(eq(deletedUsers.clerkUserId, clerkUserId)).limit(1);
  if (tombstone) return null;
  // Another request (or the webhook) may insert the same user concurrently; the unique index decides.
  const [created] = await db
    .insert(users)
    .values({ clerkUserId, email: email ?? null })
    .onConflictDoNothing()
    .returning();
  if (created) return created;
  const raced = await findUserByClerkId(db, clerkUserId);
  if (raced || !email) return raced;
  // The address is still on another row (e.g. a deleted account whose user.deleted has not arrived
  // yet): sign in without it; Clerk's webhook settles who owns it.
  const [withoutEmail] = await db.insert(users).values({ clerkUserId }).onConflictDoNothing().returning();
  return withoutEmail ?? findUserByClerkId(db, clerkUserId);
}

/** Development sign-in: the chosen tier and role are stored as if Clerk had synced them. */
export async function saveDevUser(
  db: Database,
  { clerkUserId, email, tier, role }: { clerkUserId: string; email: string; tier: Tier; role: Role },
): Promise<void> {
  await db.delete(deletedUsers).where(eq(deletedUsers.clerkUserId, clerkUserId));
  await db
    .insert(users)
    .values({ clerkUserId, email, tier, role })
    .onConflictDoUpdate({ target: users.clerkUserId, set: { email, tier, role, updatedAt: new Date() } });
  forgetUser({ clerkUserId });
}

/**
 * Clerk's `public_metadata` → tier and role, as webhooks and the session token's `metadata` claim
 * carry it. It is the truth: a tier or role it lacks (or does not know) is `free` / `user`, so
 * removing one in Clerk takes it away instead of leaving the last stored value in force.
 */
export const clerkPublicMetadata = z
  .object({ tier: z.enum(TIERS).catch("free"), role: z.enum(ROLES).catch("user") })
  .catch({ tier: "free", role: "user" });

/** Clerk's view of a user, as its webhooks carry it. */
export interface ClerkUserSnapshot {
  clerkUserId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  tier: Tier;
  role: Role;
  /** Clerk's `updated_at`: the order of snapshots, whatever order they arrive in. */
  clerkUpdatedAt: Date;
}

/**
 * Serialises every change to one Clerk user until the transaction ends, so "is it tombstoned?",
 * "is this snapshot older?" and the write that follows cannot interleave with another delivery.
 */
async function lockClerkUser(tx: Queryable, clerkUserId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${clerkUserId}))`);
}

async function isTombstoned(tx: Queryable, clerkUserId: string): Promise<boolean> {
  const [row] = await tx
    .select({ clerkUserId: deletedUsers.clerkUserId })
    .from(deletedUsers)
    .where(eq(deletedUsers.clerkUserId, clerkUserId))
    .limit(1);
  return Boolean(row);
}

/**
 * Inserts or updates the row of a Clerk user, unless the user was deleted or the stored row is
 * already newer. Run it inside a transaction: the lock it takes lasts until that ends.
 */
export async function applyClerkUser(tx: Queryable, snapshot: ClerkUserSnapshot): Promise<ClerkSyncOutcome> {
  const { clerkUserId, clerkUpdatedAt, ...fields } = snapshot;
  await lockClerkUser(tx, clerkUserId);
  if (await isTombstoned(tx, clerkUserId)) return "deleted";
  const [stored] = await tx
    .select({ clerkUpdatedAt: users.clerkUpdatedAt })
    .from(users)
    .where(eq(users.clerkUserId, clerkUserId))
    .limit(1);
  if (stored?.clerkUpdatedAt && stored.clerkUpdatedAt > clerkUpdatedAt) return "stale";
  if (fields.email) {
    // Clerk keeps addresses unique, so another row holding this one is out of date (its owner
    // changed address, or its deletion has not reached us yet); it must not block this user.
    await tx
      .update(users)
      .set({ email: null, updatedAt: new Date() })
      .where(and(eq(users.email, fields.email), ne(users.clerkUserId, clerkUserId)));
  }
  await tx
    .insert(users)
    .values({ clerkUserId, ...fields, clerkUpdatedAt })
    .onConflictDoUpdate({ target: users.clerkUserId, set: { ...fields, clerkUpdatedAt, updatedAt: new Date() } });
  return "applied";
}

/**
 * Hard-deletes a Clerk user (their API keys and compilations cascade) and leaves a tombstone, so a
 * late `user.updated` or a first request with a still-valid session cannot recreate the row.
 * Run it inside a transaction.
 */
export async function deleteClerkUser(tx: Queryable, clerkUserId: string): Promise<void> {
  await lockClerkUser(tx, clerkUserId);
  await tx.insert(deletedUsers).values({ clerkUserId }).onConflictDoNothing();
  await tx.delete(users).where(eq(users.clerkUserId, clerkUserId));
}

// The admin page's search shows one page; a narrower query finds the rest.
const USER_PAGE = 50;

/** Users whose email or Clerk id contains `query` (all of them when it is empty), newest first. */
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
  if (!isDevIdentityEnabled(config, request)) await setClerkPublicMetadata(config, user.clerkUserId, access);
  await db
    .update(users)
    .set({ ...access, updatedAt: new Date() })
    .where(eq(users.id, userId));
  forgetUser({ id: userId });
}
