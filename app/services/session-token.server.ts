/**
 * The development sign-in: mints Clerk-shaped session tokens (RS256, Clerk's v2 claims) with the
 * local key pair whose public half is CLERK_JWT_KEY, so Clerk's own `getAuth` verifies them
 * exactly as it verifies real ones. Only on a development stack reached on this machine
 * (isDevIdentityEnabled); the env schema also refuses DEV_JWT_PRIVATE_KEY in production.
 */
import { clerkFrontendApiOrigin } from "./clerk-instance.server";
import { sha256Hex } from "./digest.server";
import type { AppEnv } from "./env.server";
import { MAX_SESSION_LIFETIME_SECONDS } from "./session-claims.server";

// As long as identify accepts: there is no Clerk JS here to refresh a 60 s token, so a developer
// signs in again after an hour.
const DEV_SESSION_TTL_SECONDS = MAX_SESSION_LIFETIME_SECONDS;

const encoder = new TextEncoder();

export function base64url(input: ArrayBuffer | Uint8Array | string): string {
  const bytes = typeof input === "string" ? encoder.encode(input) : new Uint8Array(input);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function pemBody(pem: string): ArrayBuffer {
  const base64 = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
}

/** Signs any claims as an RS256 JWT with a PKCS#8 PEM private key. */
export async function signRs256(
  claims: Record<string, unknown>,
  privateKeyPem: string,
  kid = "bloqr-dev",
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "pkcs8",
    pemBody(privateKeyPem),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const unsigned = `${base64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid }))}.${base64url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, encoder.encode(unsigned));
  return `${unsigned}.${base64url(signature)}`;
}

/** `localhost`, `*.localhost` (RFC 6761), 127.0.0.0/8 and `[::1]`: names that never leave the machine. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/**
 * The sign-in without Clerk: only with ENVIRONMENT=development, the development key, and a request
 * addressed to a loopback host — so neither a mislabelled deployment nor a dev server reachable
 * from the network (or through DNS rebinding, which keeps the attacker's Host) offers it.
 */
export function isDevIdentityEnabled(
  config: AppEnv,
  request: Request,
): config is AppEnv & { DEV_JWT_PRIVATE_KEY: string } {
  return (
    config.ENVIRONMENT === "development" &&
    Boolean(config.DEV_JWT_PRIVATE_KEY) &&
    isLoopbackHost(new URL(request.url).hostname)
  );
}

/** A stable Clerk-like user id for a development email address. */
export async function devClerkUserId(email: string): Promise<string> {
  // 12 bytes of the hash: unique enough for development accounts, short like Clerk's ids.
  return `user_dev_${(await sha256Hex(email.toLowerCase())).slice(0, 24)}`;
}

export interface DevSession {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

export async function mintDevSessionToken(
  config: AppEnv & { DEV_JWT_PRIVATE_KEY: string },
  { clerkUserId, email, origin }: { clerkUserId: string; email: string; origin: string },
): Promise<DevSession> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + DEV_SESSION_TTL_SECONDS;
  const sessionId = `sess_dev_${base64url(crypto.getRandomValues(new Uint8Array(12)))}`;
  const claims = {
    sub: clerkUserId,
    sid: sessionId,
    iat: issuedAt,
    nbf: issuedAt,
    exp: expiresAt,
    iss: clerkFrontendApiOrigin(config.CLERK_PUBLISHABLE_KEY),
    azp: origin,
    v: 2,
    sts: "active",
    email,
  };
  return { token: await signRs256(claims, config.DEV_JWT_PRIVATE_KEY), issuedAt, expiresAt };
}

const cookie = (name: string, value: string, maxAge: number, secure: boolean) =>
  `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;

/**
 * Clerk reads `__session` (the token) and `__client_uat` (when the client last authenticated,
 * which must not be newer than the token's iat). Both expire with the token, so the browser drops
 * them together instead of presenting an expired token that would trigger Clerk's handshake.
 */
export function devSessionCookies(session: DevSession, secure: boolean): string[] {
  const maxAge = session.expiresAt - session.issuedAt;
  return [
    cookie("__session", session.token, maxAge, secure),
    cookie("__client_uat", String(session.issuedAt), maxAge, secure),
  ];
}

export function clearedSessionCookies(secure: boolean): string[] {
  return [cookie("__session", "", 0, secure), cookie("__client_uat", "0", 0, secure)];
}
