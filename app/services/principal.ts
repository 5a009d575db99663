import type { Tier } from "~/db/schema";
import { ApiError } from "./http.server";
import type { Principal } from "./identity.server";

/** The account behind a signed-in or API-key principal; the guard's auth "required" makes this total. */
export function ownerOf(principal: Principal): { userId: string; tier: Tier } {
  if (!principal.userId || principal.tier === "anonymous") throw new ApiError(401, "Sign in or send an API key.");
  return { userId: principal.userId, tier: principal.tier };
}
