/**
 * The claims a verified Clerk session token must carry beyond what Clerk's SDK checks. Apart from
 * identity.server.ts so that the development sign-in mints to the same rule without loading
 * Clerk's SDK.
 */

// Clerk's session tokens live 60 s (its JS refreshes them); a longer-lived one is not Clerk's
// ordinary token, and a stolen one must not stay useful for long.
export const MAX_SESSION_LIFETIME_SECONDS = 60 * 60;

/**
 * What Clerk's verifier leaves to us (its guidance, ARCHITECTURE §2), on a token whose signature,
 * `exp` and `nbf` it has already checked: a session id; our instance as issuer; an authorized
 * party (Clerk only checks `azp` when present; CLERK_AUTHORIZED_PARTIES is always set), which a
 * browser request's `Origin` must match; and a lifetime of at most an hour. Returns why the token
 * is refused, or null.
 */
export function sessionClaimsProblem(
  claims: Record<string, unknown>,
  { issuer, origin }: { issuer: string | null; origin: string | null },
): string | null {
  if (typeof claims.sid !== "string" || claims.sid === "") return "has no session id";
  if (issuer === null || claims.iss !== issuer) return "was not issued by this application's Clerk instance";
  if (typeof claims.azp !== "string") return "names no authorized party";
  if (origin !== null && claims.azp !== origin) return "was issued for another origin";
  const { iat, exp } = claims;
  if (typeof iat !== "number" || typeof exp !== "number" || exp - iat > MAX_SESSION_LIFETIME_SECONDS) {
    return `must not live longer than ${MAX_SESSION_LIFETIME_SECONDS} seconds`;
  }
  return null;
}
