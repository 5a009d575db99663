/** Calls to Clerk's Backend API (the only outbound Clerk calls; verification is local). */
import type { Role, Tier } from "~/domain";
import type { AppEnv } from "./env.server";
import { ApiError } from "./http.server";

const CLERK_API = "https://api.clerk.com/v1";
// An admin waits on this call; past a few seconds Clerk is not coming back soon.
const CLERK_API_TIMEOUT_MS = 5_000;

/** Sets a user's `public_metadata` (the session token's `metadata` claim); 503 if Clerk refuses. */
export async function setClerkPublicMetadata(
  config: Pick<AppEnv, "CLERK_SECRET_KEY">,
  clerkUserId: string,
  metadata: { tier: Tier; role: Role },
): Promise<void> {
  const response = await fetch(`${CLERK_API}/users/${encodeURIComponent(clerkUserId)}/metadata`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${config.CLERK_SECRET_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ public_metadata: metadata }),
    signal: AbortSignal.timeout(CLERK_API_TIMEOUT_MS),
  }).catch(() => null);
  if (!response?.ok) throw new ApiError(503, "Clerk did not accept the change; nothing was changed. Try again.");
}
