/**
 * Clerk-shaped session tokens for tests, signed with the run's development private key (whose
 * public half is CLERK_JWT_KEY) — or deliberately wrong in one respect.
 */
import { clerkFrontendApiOrigin } from "../../app/services/clerk-instance.server";
import { base64url, signRs256 } from "../../app/services/session-token.server";
import { inject, ORIGIN } from "./helpers";

/** The `iss` of every token this Clerk instance signs: its Frontend API, from the publishable key. */
export const instanceIssuer = () => clerkFrontendApiOrigin(inject("testBindings").CLERK_PUBLISHABLE_KEY);

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Valid v2 session claims for a fresh user; override any claim to break exactly that one. */
export function sessionClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  const sub = `user_${crypto.randomUUID().replaceAll("-", "")}`;
  return {
    sub,
    sid: `sess_${crypto.randomUUID().replaceAll("-", "")}`,
    iat,
    nbf: iat,
    exp: iat + 60,
    iss: instanceIssuer(),
    azp: ORIGIN,
    v: 2,
    sts: "active",
    email: `${sub}@example.com`,
    ...overrides,
  };
}

export const signSession = (claims: Record<string, unknown>) =>
  signRs256(claims, inject("testBindings").DEV_JWT_PRIVATE_KEY);

/** A compact JWT with any header, signed by `sign` over `header.payload` (empty signature if none). */
export async function jwtWith(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  sign?: (data: BufferSource) => Promise<ArrayBuffer>,
): Promise<string> {
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign ? base64url(await sign(new TextEncoder().encode(unsigned))) : "";
  return `${unsigned}.${signature}`;
}

// Clerk ignores a __session cookie unless __client_uat says a client signed in at or before the
// token's iat; an hour ago is before every token these tests mint.
const clientSignedInAt = () => nowSeconds() - 3600;

export const carriers = {
  bearer: (token: string): HeadersInit => ({ Authorization: `Bearer ${token}` }),
  cookie: (token: string): HeadersInit => ({ Cookie: `__session=${token}; __client_uat=${clientSignedInAt()}` }),
};
export type Carrier = keyof typeof carriers;
