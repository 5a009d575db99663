/**
 * The single source of truth for the database. `npm run db:generate` turns changes here into
 * SQL under migrations/; `npm run db:migrate` applies them.
 */
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { CompileMetrics } from "../compiler/events";
import {
  COMPILATION_KINDS,
  COMPILATION_STATUSES,
  LIST_CHECK_OUTCOMES,
  LIST_VERSION_STATUSES,
  LIST_VISIBILITIES,
  LIST_WEBHOOK_EVENTS,
  PRIORITIES,
  ROLES,
  TIERS,
  WEBHOOK_DELIVERY_STATUSES,
} from "../domain";

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
    // The list's name (the configuration's `name`), for the jobs pages and download file names.
    name: text("name"),
    // Async jobs keep their request here (a queue message carries only the job id), and after they
    // end while it is small, for a re-run (jobs.server.ts KEPT_REQUEST_MAX_BYTES, REQUEST_RETENTION_MS).
    request: jsonb("request"),
    // Compiled with `explain: true`: its explanation is kept beside its result for host lookups.
    explain: boolean("explain").notNull().default(false),
    // An async job's lines per source and step, for its page (the stored list expires, these stay).
    metrics: jsonb("metrics").$type<CompileMetrics>(),
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
    // The cron forgets kept requests past their retention: it finds them without reading the history.
    index("compilations_kept_request_idx").on(t.finishedAt).where(sql`${t.request} is not null`),
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

/** One published file of a list version: where it lives in R2 and what the subscribe URL serves. */
export interface ListFile {
  key: string;
  /** SHA-256 hex of the served file (the strong ETag). */
  sha256: string;
  bytes: number;
}

/** How one source answered a list refresh; its validators are sent back on the next one. */
export interface ListSourceStatus {
  url: string;
  status: "fetched" | "not_modified" | "failed";
  etag?: string;
  lastModified?: string;
  /** SHA-256 hex of the text the compile used; an unchanged body counts as not modified. */
  sha256?: string;
  error?: string;
}

/**
 * A saved configuration served at `/l/{slug}.{ext}` and refreshed on a schedule. The scheduler
 * claims due rows by `next_run_at` with a lease (`lease_until`) so two runs never refresh a list at once.
 */
export const lists = pgTable(
  "lists",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    visibility: text("visibility", { enum: LIST_VISIBILITIES }).notNull().default("unlisted"),
    configuration: jsonb("configuration").notNull(),
    // The configuration as of the last check: unchanged configuration + unchanged sources → no compile.
    checkedConfigHash: text("checked_config_hash"),
    formats: text("formats").array().notNull(),
    refreshMinutes: integer("refresh_minutes").notNull(),
    shrinkThresholdPct: integer("shrink_threshold_pct").notNull().default(50),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    currentVersionId: uuid("current_version_id").references((): AnyPgColumn => listVersions.id, {
      onDelete: "set null",
    }),
    // Validators and body hashes of the last check, sent back as If-None-Match / If-Modified-Since.
    sourceStatus: jsonb("source_status").$type<ListSourceStatus[]>(),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
    lastCheckOutcome: text("last_check_outcome", { enum: LIST_CHECK_OUTCOMES }),
    lastError: text("last_error"),
    checks: integer("checks").notNull().default(0),
    refreshRequestedAt: timestamp("refresh_requested_at", { withTimezone: true }),
    ...timestamps,
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("lists_user_id_idx").on(t.userId),
    index("lists_next_run_idx").on(t.nextRunAt),
    check("lists_visibility_check", sql`${t.visibility} in ('public', 'unlisted')`),
    check("lists_shrink_threshold_check", sql`${t.shrinkThresholdPct} between 1 and 100`),
  ],
);

/** Every change of a list: published, held by a guardrail, discarded by its owner, or failed. */
export const listVersions = pgTable(
  "list_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    listId: uuid("list_id")
      .notNull()
      .references(() => lists.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    status: text("status", { enum: LIST_VERSION_STATUSES }).notNull(),
    ruleCount: integer("rule_count").notNull().default(0),
    added: integer("added").notNull().default(0),
    removed: integer("removed").notNull().default(0),
    // SHA-256 of the rules alone (no dates in headers): equal → nothing changed for a blocker.
    rulesHash: text("rules_hash"),
    files: jsonb("files").$type<Record<string, ListFile>>().notNull().default(sql`'{}'::jsonb`),
    sources: jsonb("sources").$type<ListSourceStatus[]>().notNull().default(sql`'[]'::jsonb`),
    reason: text("reason"),
    ...timestamps,
    publishedAt: timestamp("published_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("list_versions_list_number_idx").on(t.listId, t.number),
    check("list_versions_status_check", sql`${t.status} in ('published', 'held', 'discarded')`),
  ],
);

/**
 * A list's change webhook. The signing secret is not stored: it is derived from the server's key,
 * the endpoint id and `secret_version` (rotation bumps the version), so a database leak forges nothing.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    listId: uuid("list_id")
      .notNull()
      .references(() => lists.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    secretVersion: integer("secret_version").notNull().default(1),
    enabled: boolean("enabled").notNull().default(true),
    ...timestamps,
  },
  (t) => [index("webhook_endpoints_list_idx").on(t.listId)],
);

/** One event to one endpoint: the delivery log, and the queue consumer's record of retries. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    type: text("type", { enum: LIST_WEBHOOK_EVENTS }).notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    ...timestamps,
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt)],
);

export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Compilation = typeof compilations.$inferSelect;
export type List = typeof lists.$inferSelect;
export type ListVersion = typeof listVersions.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
