/**
 * API keys: `bqk_` + 32 random bytes in base62. Only the SHA-256 hash and a display prefix are
 * stored; the plaintext exists once, in the response to its creation.
 */
import { and, count, desc, eq, gt, inArray, isNull, lt, or } from "drizzle-orm";
import {
  type ApiKey,
  type ApiKeyScope,
  apiKeys,
  isActiveKey,
  TIER_LIMITS,
  type Tier,
  type User,
  users,
} from "~/db/schema";
import { type Analytics, logOnlyAnalytics } from "./analytics.server";
import { type Database, type DatabaseHandle, withTimeout } from "./db.server";
import { sha256Hex } from "./digest.server";
import { ApiError } from "./http.server";
import type { Principal } from "./principal";
import { apiKeyCache, forgetApiKey } from "./principal-cache.server";

// Distinct from Clerk's token prefixes (ak_, mt_, oat_) so getAuth never mistakes one for the other.
export const API_KEY_PREFIX = "bqk_";
const KEY_BYTES = 32;
// 32 bytes need 43 base62 digits; a fixed length keeps keys recognisable.
const KEY_DIGITS = 43;
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;
export const MAX_ACTIVE_KEYS_PER_USER = 25;
// Writing last_used_at on every request would put a write on the hot path; once a minute is enough to show,
// and it is written after the response (ctx.waitUntil), several keys in one statement.
const LAST_USED_RESOLUTION_MS = 60_000;
// A hung database must not hold the isolate's one write in flight (and every later mark) forever.
const LAST_USED_WRITE_TIMEOUT_MS = 5_000;
const MAX_KEY_LIMIT = 100_000;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let digits = "";
  while (value > 0n) {
    digits = BASE62[Number(value % 62n)] + digits;
    value /= 62n;
  }
  return digits.padStart(KEY_DIGITS, "0");
}

export const hashApiKey = (plaintext: string): Promise<string> => sha256Hex(plaintext);

function generateApiKey(): string {
  return API_KEY_PREFIX + base62(crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}

/** The most a key of this tier may allow per minute: never above the owner's own limit. */
export function maxKeyLimit(tier: Tier): number {
  return Math.min(TIER_LIMITS[tier], MAX_KEY_LIMIT);
}

/**
 * What a key operation would grant: `null` is "no limit" / "never expires", `undefined` leaves the
 * setting alone (a PATCH that does not name it).
 */
export interface KeyGrant {
  scopes?: readonly ApiKeyScope[];
  expiresAt?: Date | null;
  rateLimitPerMinute?: number | null;
}

/**
 * A key may manage keys, but never grant more than it holds: scopes within its own, an expiry no
 * later and a limit no higher than its own — on a new key, on a sibling, and on itself (so it can
 * lower its own limit, never lift it). Sessions keep full control.
 */
export function assertWithinCallingKey(caller: Principal, grant: KeyGrant): void {
  if (caller.kind !== "apiKey") return;
  const beyond = (grant.scopes ?? []).filter((scope) => !caller.scopes.includes(scope));
  if (beyond.length > 0) {
    throw new ApiError(403, `This API key cannot grant ${beyond.join(", ")}.`, { code: "insufficient_scope" });
  }
  const refuse = (message: string) => new ApiError(403, message, { code: "exceeds_calling_key" });
  const ownExpiry = caller.apiKeyExpiresAt;
  if (ownExpiry && grant.expiresAt !== undefined && (grant.expiresAt === null || grant.expiresAt > ownExpiry)) {
    throw refuse(`This API key expires at ${ownExpiry.toISOString()}; expiresAt may not be later (or absent).`);
  }
  const ownLimit = caller.apiKeyRateLimit;
  const limit = grant.rateLimitPerMinute;
  if (ownLimit !== undefined && limit !== undefined && (limit === null || limit > ownLimit)) {
    throw refuse(
      `This API key is limited to ${ownLimit} requests a minute; rateLimitPerMinute may not be higher (or absent).`,
    );
  }
}

/** What any listing may show: everything but the hash. */
export interface PublicApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  /** null: the owner's tier limit applies (and follows upgrades). */
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

function toPublicApiKey(key: ApiKey): PublicApiKey {
  return {
    id: key.id,
    name: key.name,
    prefix: key.keyPrefix,
    scopes: key.scopes,
    rateLimitPerMinute: key.rateLimitPerMinute,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** `isActiveKey` as a query condition. */
const activeKeyCondition = (now: Date) =>
  and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)));

export async function listApiKeys(db: Database, userId: string): Promise<PublicApiKey[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(toPublicApiKey);
}

export interface NewApiKey {
  name: string;
  scopes: ApiKeyScope[];
  expiresAt?: Date;
  rateLimitPerMinute?: number;
}

export async function createApiKey(
  db: Database,
  owner: { userId: string; tier: Tier },
  request: NewApiKey,
  analytics: Analytics = logOnlyAnalytics,
): Promise<{ key: PublicApiKey; plaintext: string }> {
  const limit = request.rateLimitPerMinute ?? null;
  if (limit !== null && limit > maxKeyLimit(owner.tier)) {
    throw new ApiError(400, `rateLimitPerMinute may not exceed ${maxKeyLimit(owner.tier)} for the ${owner.tier} tier.`);
  }
  if (request.expiresAt && request.expiresAt.getTime() <= Date.now()) {
    throw new ApiError(400, "expiresAt must be in the future.");
  }
  const plaintext = generateApiKey();
  const keyHash = await hashApiKey(plaintext);
  const created = await db.transaction(async (tx) => {
    // Locking the owner's row serialises concurrent creates, so the cap cannot be raced past.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, owner.userId)).for("update");
    const [{ active }] = await tx
      .select({ active: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, owner.userId), activeKeyCondition(new Date())));
    if (active >= MAX_ACTIVE_KEYS_PER_USER) {
      throw new ApiError(409, `You already have ${MAX_ACTIVE_KEYS_PER_USER} active keys; revoke one first.`, {
        code: "too_many_keys",
      });
    }
    const [row] = await tx
      .insert(apiKeys)
      .values({
        userId: owner.userId,
        keyHash,
        keyPrefix: plaintext.slice(0, DISPLAY_PREFIX_LENGTH),
        name: request.name,
        scopes: request.scopes,
        rateLimitPerMinute: limit,
        expiresAt: request.expiresAt ?? null,
      })
      .returning();
    return row;
  });
  analytics.record({
    type: "key",
    outcome: "created",
    id: created.id,
    tier: owner.tier,
    detail: { userId: owner.userId },
  });
  return { key: toPublicApiKey(created), plaintext };
}

async function ownedKey(db: Database, userId: string, keyId: string): Promise<ApiKey> {
  const [key] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)))
    .limit(1);
  // Someone else's key and no key at all look the same: ids are not an oracle.
  if (!key) throw new ApiError(404, "No such API key.");
  return key;
}

export async function updateApiKey(
  db: Database,
  owner: { userId: string; tier: Tier },
  keyId: string,
  changes: { name?: string; rateLimitPerMinute?: number | null },
  analytics: Analytics = logOnlyAnalytics,
): Promise<PublicApiKey> {
  await ownedKey(db, owner.userId, keyId);
  if (typeof changes.rateLimitPerMinute === "number" && changes.rateLimitPerMinute > maxKeyLimit(owner.tier)) {
    throw new ApiError(400, `rateLimitPerMinute may not exceed ${maxKeyLimit(owner.tier)} for the ${owner.tier} tier.`);
  }
  const [updated] = await db
    .update(apiKeys)
    .set(changes)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, owner.userId)))
    .returning();
  forgetApiKey(keyId);
  analytics.record({ type: "key", outcome: "updated", id: keyId, tier: owner.tier, detail: { userId: owner.userId } });
  return toPublicApiKey(updated);
}

/** Soft delete: the row stays for the usage history; a revoked key never authenticates again. */
export async function revokeApiKey(
  db: Database,
  userId: string,
  keyId: string,
  analytics: Analytics = logOnlyAnalytics,
): Promise<PublicApiKey> {
  const key = await ownedKey(db, userId, keyId);
  if (key.revokedAt) return toPublicApiKey(key);
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)))
    .returning();
  forgetApiKey(keyId);
  analytics.record({ type: "key", outcome: "revoked", id: keyId, detail: { userId } });
  return toPublicApiKey(revoked);
}

export type AuthenticatedKey = { key: ApiKey; owner: User };

/**
 * The active key and its owner for a presented plaintext, or null for unknown, revoked or expired.
 * A key seen recently in this isolate needs no query (principal-cache.server.ts).
 */
export async function authenticateApiKey(
  database: DatabaseHandle,
  plaintext: string,
): Promise<AuthenticatedKey | null> {
  const keyHash = await hashApiKey(plaintext);
  const now = new Date();
  let found = apiKeyCache.get(keyHash, now.getTime());
  if (!found) {
    [found] = await database.db
      .select({ key: apiKeys, owner: users })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(eq(apiKeys.keyHash, keyHash))
      .limit(1);
    if (found && isActiveKey(found.key, now)) apiKeyCache.set(keyHash, found, now.getTime());
  }
  if (!found || !isActiveKey(found.key, now)) return null;
  noteUse(database, found.key, now);
  return found;
}

/** Key ids whose last_used_at is due, waiting for the isolate's one write in flight. */
const dueUses = new Set<string>();

function noteUse(database: DatabaseHandle, key: ApiKey, now: Date) {
  if (now.getTime() - (key.lastUsedAt?.getTime() ?? 0) < LAST_USED_RESOLUTION_MS) return;
  key.lastUsedAt = now;
  const writing = dueUses.size > 0;
  dueUses.add(key.id);
  if (!writing) database.keepOpenUntil(writeDueUses(database.db));
}

/** Writes every due key's last_used_at, including those that fall due while a write is in flight. */
async function writeDueUses(db: Database) {
  while (dueUses.size > 0) {
    const ids = [...dueUses];
    const now = new Date();
    const write = db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(
          inArray(apiKeys.id, ids),
          or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS))),
        ),
      );
    // A lost mark is one minute of "last used" on the keys page; never worth failing a request for.
    await withTimeout(write, LAST_USED_WRITE_TIMEOUT_MS, "last_used_at").catch(() => {});
    for (const id of ids) dueUses.delete(id);
  }
}
