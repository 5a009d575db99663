/** The users table: rows synced from Clerk, created on first sign-in when the webhook is late. */
import { eq } from "drizzle-orm";
import { deletedUsers, type Role, type Tier, type User, users } from "~/db/schema";
import type { Database } from "./db.server";

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
}
