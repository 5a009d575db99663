/**
 * Guards for pages. They throw responses, so a loader reads `const user = await requireUser(args)`
 * and never branches on auth: signed out → redirect to /sign-in and back; wrong role → 403 page.
 */
import { type LoaderFunctionArgs, redirect } from "@remix-run/cloudflare";
import type { Tier } from "~/db/schema";
import { SAFE_METHODS } from "./csrf.server";
import { AuthenticationError, identify } from "./identity.server";
import type { Principal } from "./principal";

type Args = Pick<LoaderFunctionArgs, "request" | "context" | "params">;
export type SignedInPrincipal = Principal & { kind: "session"; userId: string; clerkUserId: string; tier: Tier };

const DEFAULT_AFTER_SIGN_IN = "/dashboard";

const REDIRECT_BASE = "http://bloqr.invalid";

const isSameOriginPath = (path: string) => path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");

/**
 * Only a same-origin path may be a redirect target. The decision is made on the normalised path —
 * the one the browser will follow — since `/.//host`, `/%2e//host` and `/a/..//host` only become
 * `//host` (another site) once dot segments are resolved.
 */
export function safeRedirectPath(value: string | null | undefined, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (!value || !isSameOriginPath(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  return url.origin === REDIRECT_BASE && isSameOriginPath(path) ? path : fallback;
}

/**
 * A page's layout and route loaders run for the same request and each ask who is signed in: the
 * session is verified once per request (by its load context, made per request in server.ts). Only
 * reads share it: an action may change the user the loaders after it must see.
 */
const signedInByRequest = new WeakMap<object, Promise<SignedInPrincipal | null>>();

/** The signed-in user of a page request, or null. An invalid session cookie counts as signed out. */
export function getSignedInUser(args: Args): Promise<SignedInPrincipal | null> {
  if (!SAFE_METHODS.has(args.request.method)) return signedInUser(args);
  let user = signedInByRequest.get(args.context);
  if (!user) {
    user = signedInUser(args);
    signedInByRequest.set(args.context, user);
  }
  return user;
}

async function signedInUser(args: Args): Promise<SignedInPrincipal | null> {
  try {
    const principal = await identify(args);
    return principal.kind === "session" ? (principal as SignedInPrincipal) : null;
  } catch (error) {
    if (error instanceof AuthenticationError) return null;
    throw error;
  }
}

export async function requireUser(args: Args): Promise<SignedInPrincipal> {
  const user = await getSignedInUser(args);
  if (user) return user;
  const url = new URL(args.request.url);
  throw redirect(`/sign-in?redirect_url=${encodeURIComponent(`${url.pathname}${url.search}`)}`);
}

export async function requireAdmin(args: Args): Promise<SignedInPrincipal> {
  const user = await requireUser(args);
  if (user.role !== "admin") throw new Response("Forbidden", { status: 403 });
  return user;
}
