/**
 * The product's fixed vocabularies, shared by the database schema, the API schemas and the pages
 * (this module has no server dependencies, so the browser bundle can use it).
 */
export const TIERS = ["free", "pro", "admin"] as const;
export const ROLES = ["user", "admin"] as const;
export const API_KEY_SCOPES = ["compile", "compile:async", "jobs:read", "keys:read", "keys:write"] as const;
export const COMPILATION_KINDS = ["sync", "stream", "batch", "async"] as const;
export const COMPILATION_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export const PRIORITIES = ["standard", "high"] as const;

export type Tier = (typeof TIERS)[number];
/** A caller's tier: an account's, or `anonymous` for a request without a credential. */
export type PrincipalTier = "anonymous" | Tier;

/** Requests per minute per tier (the guard's limit, the dashboard's usage, a key's ceiling). */
export const TIER_LIMITS: Record<PrincipalTier, number> = {
  anonymous: 10,
  free: 60,
  pro: 300,
  admin: Number.POSITIVE_INFINITY,
};

/** What a Clerk user event did to our copy of the user. */
export type ClerkSyncOutcome = "applied" | "stale" | "deleted";
/** `rejected`: the event holds data Postgres cannot store; it is recorded, answered 2xx, and not retried. */
export type WebhookOutcome = ClerkSyncOutcome | "duplicate" | "ignored" | "rejected";
export type Role = (typeof ROLES)[number];
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * Whether an API key still works: not revoked and not expired (the page's count, the key check, and
 * in SQL `activeKeyCondition` of api-keys.server.ts).
 */
export function isActiveKey(
  key: { revokedAt: Date | string | null; expiresAt: Date | string | null },
  now = new Date(),
): boolean {
  return !key.revokedAt && !(key.expiresAt && new Date(key.expiresAt) <= now);
}

// Submitting jobs includes reading them: a compile:async key must be able to follow its own Location.
const IMPLIED_SCOPES: Partial<Record<ApiKeyScope, ApiKeyScope>> = { "compile:async": "jobs:read" };

/** What a key with these stored scopes may do: the known ones and what they imply, in canonical order. */
export function grantedScopes(stored: readonly string[]): ApiKeyScope[] {
  const granted = new Set<string>(stored);
  for (const scope of stored) {
    const implied = IMPLIED_SCOPES[scope as ApiKeyScope];
    if (implied) granted.add(implied);
  }
  return API_KEY_SCOPES.filter((scope) => granted.has(scope));
}
