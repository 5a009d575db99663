/**
 * The isolate's short memory of verified credentials (docs/decisions/0016-principal-cache.md), so a
 * warm request is identified without a Postgres connection: an API key's SHA-256 → its key row and
 * owner, a Clerk user id → their users row. Only what Postgres said about a live credential is
 * kept; unknown, revoked and expired keys and deleted users always go to Postgres.
 *
 * Our own changes (revoke, rename, limit, tier/role by webhook or admin, deletion) forget the
 * entries they touch at once in the isolate that made them; every other isolate sees them when
 * its entry expires, within PRINCIPAL_CACHE_TTL_MS.
 */
import type { ApiKey, User } from "~/db/schema";

// The bound on a revocation or a tier change reaching an isolate that did not make it; one
// Postgres lookup per credential per isolate per 30 s is nothing, a longer window is a leaked key's.
export const PRINCIPAL_CACHE_TTL_MS = 30_000;
// An entry is well under 1 KB: the cap bounds an isolate's memory, the least recently used goes first.
export const MAX_CACHED_PRINCIPALS = 5_000;

class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry); // most recently used last
    return entry.value;
  }

  set(key: string, value: V, now: number) {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + PRINCIPAL_CACHE_TTL_MS });
    if (this.entries.size > MAX_CACHED_PRINCIPALS) this.entries.delete(this.entries.keys().next().value as string);
  }

  deleteWhere(matches: (value: V) => boolean) {
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }
}

export interface CachedKey {
  key: ApiKey;
  owner: User;
}

/** By key hash: the hash is what a request presents, so a hit costs one SHA-256 and no query. */
export const apiKeyCache = new ExpiringMap<CachedKey>();
/** By Clerk user id: what a verified session token names. */
export const sessionUserCache = new ExpiringMap<User>();

export interface VerifiedSession {
  clerkUserId: string;
  claims: Record<string, unknown>;
  /** The token's own `exp`, in epoch milliseconds: past it the token is verified (and refused) again. */
  expiresAt: number;
}

/**
 * By SHA-256 of a Bearer session token whose signature, `exp`, `nbf` and authorized party Clerk
 * verified in this isolate: the same bytes need no second RSA verification until the entry or the
 * token expires. A token that differs in one byte is a miss and is verified in full.
 */
export const verifiedBearerTokens = new ExpiringMap<VerifiedSession>();

/** After a change to a key through our API: this isolate stops using the old row at once. */
export function forgetApiKey(keyId: string) {
  apiKeyCache.deleteWhere(({ key }) => key.id === keyId);
}

/** After a change to a user (tier, role, deletion): their session row and every key they own. */
export function forgetUser(user: { id?: string; clerkUserId?: string }) {
  const isThem = (row: User) => row.id === user.id || row.clerkUserId === user.clerkUserId;
  sessionUserCache.deleteWhere(isThem);
  apiKeyCache.deleteWhere(({ owner }) => isThem(owner));
}
