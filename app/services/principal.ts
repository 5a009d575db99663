/** Who a request is on behalf of: the guard's answer, which every service below it takes as given. */
import type { ApiKeyScope, PrincipalTier, Role, Tier } from "~/domain";
import { ApiError } from "./http.server";

export interface Principal {
  /** `adminKey`: the operator's X-Admin-Key, accepted only by endpoints that allow it (the guard). */
  kind: "anonymous" | "session" | "apiKey" | "adminKey";
  /** From CF-Connecting-IP only: other headers are client-controlled. */
  ip: string;
  tier: PrincipalTier;
  role: Role;
  scopes: readonly ApiKeyScope[];
  userId?: string;
  clerkUserId?: string;
  email?: string | null;
  apiKeyId?: string;
  /** The key's own per-minute limit, counted in its own bucket beside the owner's. */
  apiKeyRateLimit?: number;
  /** When the key stops working; keys it creates may not outlive it. */
  apiKeyExpiresAt?: Date;
}

/** The account behind a signed-in or API-key principal; the guard's auth "required" makes this total. */
export function ownerOf(principal: Principal): { userId: string; tier: Tier } {
  if (!principal.userId || principal.tier === "anonymous") throw new ApiError(401, "Sign in or send an API key.");
  return { userId: principal.userId, tier: principal.tier };
}
