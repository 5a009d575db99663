/**
 * The single source of truth for the database. `npm run db:generate` turns changes here into
 * SQL under migrations/; `npm run db:migrate` applies them.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { COMPILATION_KINDS, COMPILATION_STATUSES, PRIORITIES, ROLES, TIERS } from "../domain";

export * from "../domain";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
};

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    clerkUserId: text("clerk_user_id").notNull().unique(),
    // Clerk allows accounts without an email (phone-only sign-up), so it may be null.
    email: text("email").unique(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    imageUrl: text("image_url"),
    tier: text("tier", { enum: TIERS }).notNull().default("free"),
    role: text("role", { enum: ROLES }).notNull().default("user"),
    // Clerk's own updated_at of the last applied webhook: older events are ignored.
    clerkUpdatedAt: timestamp("clerk_updated_at", { withTimezone: true }),
    ...timestamps,
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("users_tier_check", sql`${t.tier} in ('free', 'pro', 'admin')`),
    check("users_role_check", sql`${t.role} in ('user', 'admin')`),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    keyHash: text("key_hash").notNull().unique(),
    keyPrefix: text("key_prefix").notNull(),
    name: text("name").notNull(),
    scopes: text("scopes").array().notNull().default(sql`'{compile}'::text[]`),
    // The key's own per-minute cap; null follows the owner's tier (and its upgrades).
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("api_keys_user_id_idx").on(t.userId)],
);

/** One row per compile of any kind: the async job table and the usage history at once. */
export const compilations = pgTable(
  "compilations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    apiKeyId: uuid("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    kind: text("kind", { enum: COMPILATION_KINDS }).notNull(),
    status: text("status", { enum: COMPILATION_STATUSES }).notNull().default("queued"),
    priority: text("priority", { enum: PRIORITIES }).notNull().default("standard"),
    configHash: text("config_hash"),
    // Async jobs keep their request here: a queue message carries only the job id.
    request: jsonb("request"),
    ruleCount: integer("rule_count"),
    durationMs: integer("duration_ms"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    resultKey: text("result_key"),
    ...timestamps,
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("compilations_user_created_idx").on(t.userId, t.createdAt),
    index("compilations_status_idx").on(t.status),
    // The per-user cap on queued + running jobs counts these on every submit, however long the history.
    index("compilations_user_active_idx").on(t.userId).where(sql`${t.status} in ('queued', 'running')`),
    check("compilations_status_check", sql`${t.status} in ('queued', 'running', 'succeeded', 'failed')`),
  ],
);

/** Makes webhook redelivery a no-op. */
export const webhookEvents = pgTable("webhook_events", {
  svixId: text("svix_id").primaryKey(),
  type: text("type").notNull(),
  // The SQLSTATE of a delivery whose data Postgres refused (answered 2xx so it is not retried); null when applied.
  rejectedCode: text("rejected_code"),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Tombstones: a late `user.updated` must not bring a deleted user back. */
export const deletedUsers = pgTable("deleted_users", {
  clerkUserId: text("clerk_user_id").primaryKey(),
  deletedAt: timestamp("deleted_at", { withTimezone: true }).notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Compilation = typeof compilations.$inferSelect;
