/**
 * Turns any request into one principal (ARCHITECTURE §2): a Clerk session (Bearer token or the
 * `__session` cookie, verified by @clerk/remix's getAuth), an API key (`Bearer bqk_…` or
 * `X-API-Key`), or anonymous by IP. A credential that is present but invalid is an error, never
 * silently anonymous.
 */
import { getAuth } from "@clerk/remix/ssr.server";
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { API_KEY_SCOPES, grantedScopes, type User } from "~/db/schema";
import { API_KEY_PREFIX, authenticateApiKey } from "./api-keys.server";
import { clerkFrontendApiOrigin } from "./clerk-instance.server";
import { sha256Hex } from "./digest.server";
import type { Principal } from "./principal";
import { sessionUserCache, verifiedBearerTokens } from "./principal-cache.server";
import { sessionClaimsProblem } from "./session-claims.server";
import { clerkPublicMetadata, ensureUserForSession } from "./users.server";

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthenticationError";
  }
}

// Clerk session tokens are ~1 KB; anything far larger is not one, and is not worth parsing.
const MAX_TOKEN_BYTES = 8 * 1024;

type Args = Pick<LoaderFunctionArgs, "request" | "context" | "params">;

// Cloudflare sets CF-Connecting-IP to an IPv4 or IPv6 address; anything else did not come from it
// and must not become a rate-limit bucket name (KV keys are capped at 512 bytes).
const PLAUSIBLE_IP = /^[0-9a-f:.]{2,45}$/i;

export function clientIp(request: Request): string {
  const ip = request.headers.get("CF-Connecting-IP");
  return ip && PLAUSIBLE_IP.test(ip) ? ip : "unknown";
}

function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

export type Credential =
  | { type: "bearer"; token: string }
  | { type: "cookie"; token: string }
  | { type: "apiKey"; token: string }
  | { type: "none" };

export function readCredential(request: Request): Credential {
  const headerKey = request.headers.get("X-API-Key");
  if (headerKey !== null) return { type: "apiKey", token: headerKey.trim() };
  const authorization = request.headers.get("Authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError("The Authorization header must be 'Bearer <token>'.");
    return match[1].startsWith(API_KEY_PREFIX)
      ? { type: "apiKey", token: match[1] }
      : { type: "bearer", token: match[1] };
  }
  const session = readCookie(request, "__session");
  return session ? { type: "cookie", token: session } : { type: "none" };
}

const malformed = () => new AuthenticationError("The session token is malformed.");

/** A JWT segment's bytes, decoded as strictly as Clerk's decoder (canonical base64url only). */
function decodeSegment(segment: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(segment.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw malformed();
  }
  // Re-encoding must give the segment back: that refuses padding, stray characters and non-zero
  // trailing bits, all of which make Clerk's decoder throw.
  if (btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") !== segment) throw malformed();
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function decodeJsonObject(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(decodeSegment(segment)));
  } catch {
    throw malformed();
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed();
  return value as Record<string, unknown>;
}

/**
 * Rejects what Clerk's verifier should never even see: oversized tokens, any alg but RS256, and
 * anything its SDK would throw on rather than report — it parses tokens (and reads `iss` as a
 * string) outside its own error handling, which would turn a forged cookie into a 500.
 */
function assertPlausibleSessionToken(token: string) {
  if (token.length > MAX_TOKEN_BYTES) throw new AuthenticationError("The session token is too large.");
  const segments = token.split(".");
  if (segments.length !== 3) throw malformed();
  const header = decodeJsonObject(segments[0]);
  const claims = decodeJsonObject(segments[1]);
  decodeSegment(segments[2]);
  if (claims.iss !== undefined && typeof claims.iss !== "string") throw malformed();
  if (header.alg !== "RS256") throw new AuthenticationError("The session token must be signed with RS256.");
}

/** Clerk decodes `__session` and its suffixed variants (`__session_<suffix>`) on every request. */
function sessionCookieValues(request: Request): string[] {
  return (request.headers.get("Cookie") ?? "")
    .split(";")
    .map((part) => part.trim())
    .filter((part) => /^__session(_[^=]*)?=./.test(part))
    .map((part) => part.slice(part.indexOf("=") + 1));
}

const isPlausibleSessionToken = (token: string) => {
  try {
    assertPlausibleSessionToken(token);
    return true;
  } catch {
    return false;
  }
};

/**
 * The request as Clerk's root loader may see it on a page: session cookies and Bearer tokens its
 * SDK would crash on are dropped, so a corrupted cookie means "signed out", not a 500 on every page.
 * (The API never gets here: identify refuses such credentials with 401.)
 */
export function requestForClerk(request: Request): Request {
  const cookies = (request.headers.get("Cookie") ?? "").split(";");
  const kept = cookies.filter((part) => {
    const cookie = part.trim();
    return !/^__session(_[^=]*)?=./.test(cookie) || isPlausibleSessionToken(cookie.slice(cookie.indexOf("=") + 1));
  });
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("Authorization")?.trim() ?? "")?.[1];
  const dropAuthorization = request.headers.has("Authorization") && !(bearer && isPlausibleSessionToken(bearer));
  if (kept.length === cookies.length && !dropAuthorization) return request;
  const headers = new Headers(request.headers);
  if (kept.length !== cookies.length) headers.set("Cookie", kept.join(";"));
  if (dropAuthorization) headers.delete("Authorization");
  return new Request(request, { headers });
}

/** The session's Clerk user and claims, verified (a session that is not valid throws). */
async function verifiedSession(
  args: Args,
  credential: Credential & { type: "bearer" | "cookie" },
): Promise<{ clerkUserId: string; claims: Record<string, unknown> }> {
  assertPlausibleSessionToken(credential.token);
  for (const cookie of sessionCookieValues(args.request)) assertPlausibleSessionToken(cookie);
  const session =
    credential.type === "bearer" ? await bearerSession(args, credential.token) : await verifiedByClerk(args);
  const problem = sessionClaimsProblem(session.claims, {
    issuer: clerkFrontendApiOrigin(args.context.config.CLERK_PUBLISHABLE_KEY),
    origin: args.request.headers.get("Origin"),
  });
  if (problem) throw new AuthenticationError(`The session token ${problem}.`);
  return session;
}

/**
 * A Bearer token verified a moment ago in this isolate is not verified again before its `exp`
 * (principal-cache.server.ts). Cookies always go through Clerk, whose cookie handshake rules
 * (a sign-out elsewhere) such a cache would skip.
 */
async function bearerSession(args: Args, token: string) {
  const tokenHash = await sha256Hex(token);
  const now = Date.now();
  const known = verifiedBearerTokens.get(tokenHash, now);
  if (known && now < known.expiresAt) return known;
  const session = await verifiedByClerk(args);
  const { exp } = session.claims;
  if (typeof exp === "number") verifiedBearerTokens.set(tokenHash, { ...session, expiresAt: exp * 1000 }, now);
  return session;
}

/** Clerk's full verification of the request's session (signature, expiry, authorized parties). */
async function verifiedByClerk(args: Args) {
  const { config } = args.context;
  // getAuth's type admits only secretKey, but it reads every root-loader option at runtime.
  const options = {
    secretKey: config.CLERK_SECRET_KEY,
    publishableKey: config.CLERK_PUBLISHABLE_KEY,
    jwtKey: config.CLERK_JWT_KEY,
    authorizedParties: config.CLERK_AUTHORIZED_PARTIES,
  } as Parameters<typeof getAuth>[1];
  let auth: Awaited<ReturnType<typeof getAuth>>;
  try {
    auth = await getAuth(args as LoaderFunctionArgs, options);
  } catch (thrown) {
    // Clerk throws a redirect when it wants a handshake (e.g. an expired cookie on a page load).
    if (thrown instanceof Response) throw new AuthenticationError("The session has expired.");
    throw thrown;
  }
  if (!auth.userId) throw new AuthenticationError("The session token is invalid or expired.");
  return { clerkUserId: auth.userId, claims: (auth.sessionClaims ?? {}) as Record<string, unknown> };
}

/**
 * Identifies the caller by the credential it presented (the guard reads it once and passes it
 * here). Throws AuthenticationError for a credential that is present but not valid (a wrong
 * scheme, a forged, expired or foreign token, a deleted user).
 */
export async function identify(args: Args, credential = readCredential(args.request)): Promise<Principal> {
  const ip = clientIp(args.request);
  if (credential.type === "none") return { kind: "anonymous", ip, tier: "anonymous", role: "user", scopes: [] };
  if (credential.type === "apiKey") return identifyApiKey(args, credential.token, ip);

  const session = await verifiedSession(args, credential);

  const email = typeof session.claims.email === "string" ? session.claims.email : null;
  const user = await sessionUser(args, session.clerkUserId, email);
  if (!user) throw new AuthenticationError("This account has been deleted.");
  // A session template with the `metadata` claim makes it the truth; without one the synced row decides.
  const access = session.claims.metadata === undefined ? user : clerkPublicMetadata.parse(session.claims.metadata);
  return {
    kind: "session",
    ip,
    userId: user.id,
    clerkUserId: session.clerkUserId,
    email: user.email,
    tier: access.tier,
    role: access.role,
    scopes: API_KEY_SCOPES,
  };
}

/** The session's users row: from the isolate's cache when warm (principal-cache.server.ts), else Postgres. */
async function sessionUser(args: Args, clerkUserId: string, email: string | null): Promise<User | null> {
  const now = Date.now();
  const cached = sessionUserCache.get(clerkUserId, now);
  if (cached) return cached;
  const user = await ensureUserForSession(args.context.database.db, { clerkUserId, email });
  // A deleted user is not remembered: their next request asks Postgres again.
  if (user) sessionUserCache.set(clerkUserId, user, now);
  return user;
}

async function identifyApiKey(args: Args, token: string, ip: string): Promise<Principal> {
  if (!token.startsWith(API_KEY_PREFIX) || token.length > MAX_TOKEN_BYTES) {
    throw new AuthenticationError("The API key is malformed.");
  }
  const found = await authenticateApiKey(args.context.database, token);
  // Unknown, revoked and expired keys get the same answer: the response is not an oracle.
  if (!found) throw new AuthenticationError("The API key is invalid, revoked or expired.");
  const { key, owner } = found;
  return {
    kind: "apiKey",
    ip,
    userId: owner.id,
    clerkUserId: owner.clerkUserId,
    email: owner.email,
    tier: owner.tier,
    role: owner.role,
    scopes: grantedScopes(key.scopes),
    apiKeyId: key.id,
    apiKeyRateLimit: key.rateLimitPerMinute ?? undefined,
    apiKeyExpiresAt: key.expiresAt ?? undefined,
  };
}
