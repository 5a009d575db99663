/**
 * The one request pipeline of every `/api/*` resource route (ARCHITECTURE §3):
 *
 *   CSRF (cookie callers) → identify → auth / scope / role → rate limit → body → Turnstile → handler
 *
 * Endpoints that allow it (`adminKey: true`) also accept the operator's `X-Admin-Key` in place of
 * an admin session; it is compared in constant time and its attempts are limited per network
 * (an IPv4 address, an IPv6 /64).
 * A route reads `export const action = (args) => guard(args, { scope: "compile", turnstile: true,
 * body: schema }, handler)` and never does its own auth, limiting or bot checks. Whatever the
 * handler or a step throws as ApiError leaves as `{error:{code,message}}` with the limit headers.
 * Each step's outcome is an analytics event (auth, rate_limit, turnstile).
 *
 * A page action that does what an endpoint does (the playground's compile without JavaScript)
 * runs the same steps after its own sign-in check through `guardPage`.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import type { z } from "zod";
import { type ApiKeyScope, TIER_LIMITS } from "~/db/schema";
import type { Analytics } from "./analytics.server";
import { looksLikeApiKey } from "./api-keys.server";
import { isSameOriginRequest, SAFE_METHODS } from "./csrf.server";
import type { Database } from "./db.server";
import { secretsEqual } from "./digest.server";
import { ApiError } from "./http.server";
import { AuthenticationError, type Credential, clientIp, identify, readCredential } from "./identity.server";
import type { Principal } from "./principal";
import {
  ADMIN_KEY_ATTEMPTS_PER_MINUTE,
  ipNetwork,
  principalBucket,
  type RateLimitDecision,
  rateLimitHeaders,
  strictest,
} from "./rate-limit.server";
import { readJsonBody } from "./request-body.server";
import { COMPILE_ACTION, TURNSTILE_HEADER, verifyTurnstile } from "./turnstile.server";

type Args = Pick<LoaderFunctionArgs, "request" | "context" | "params">;

// Credentials in URLs end up in logs, browser history and Referer headers.
const CREDENTIAL_QUERY_PARAMS = new Set(["api_key", "apikey", "api-key", "key", "token", "access_token"]);
const ADMIN_KEY_HEADER = "X-Admin-Key";

export interface GuardOptions<Body> {
  /** "required": anonymous callers get 401. Default "required". */
  auth?: "optional" | "required";
  /** The API-key scope this endpoint needs; sessions hold every scope. */
  scope?: ApiKeyScope;
  /** "admin": only a session with the admin role (API keys never, whatever their owner's role). */
  role?: "admin";
  /** Also accept X-Admin-Key = ADMIN_KEY (operators' scripts) in place of an admin session. */
  adminKey?: boolean;
  /** Verify a Turnstile token (API-key callers are exempt: docs/decisions/0006). */
  turnstile?: boolean;
  /** Parse and validate a JSON body with this schema. */
  body?: z.ZodType<Body>;
  maxBodyBytes?: number;
}

export interface Guarded<Body> {
  principal: Principal;
  body: Body;
  db: Database;
  args: Args;
}

export async function guard<Body = undefined>(
  args: Args,
  options: GuardOptions<Body>,
  handler: (request: Guarded<Body>) => Promise<Response> | Response,
): Promise<Response> {
  return runPipeline(args, options, handler, async () => {
    rejectCredentialsInQuery(args.request);
    const credential = presentedCredential(args.request);
    refuseCrossSiteCookieCalls(args.request, credential);
    const principal = await identifyOrThrow(args, options, credential);
    authorize(principal, options, args.context.analytics);
    return principal;
  });
}

export interface PageGuardOptions<Body> {
  /** Verify a Turnstile token (from the body's `turnstileToken`). */
  turnstile?: boolean;
  /** The page's own parse of its form into what the handler needs; an ApiError is the answer. */
  body: () => Body | Promise<Body>;
  /** How the page shows a refusal (a limit, a failed Turnstile, a bad configuration). */
  onError: (error: ApiError, limitHeaders: Record<string, string>) => Response;
}

/**
 * The guard's steps after sign-in for a page action done on behalf of its signed-in user: the same
 * rate limit, body check, Turnstile, analytics and limit headers as the API; a refusal goes to the
 * page's `onError` instead of the JSON error shape.
 */
export function guardPage<Body>(
  args: Args,
  principal: Principal,
  options: PageGuardOptions<Body>,
  handler: (request: Guarded<Body>) => Promise<Response> | Response,
): Promise<Response> {
  return runPipeline(
    args,
    { turnstile: options.turnstile, readBody: options.body, onError: options.onError },
    handler,
    async () => principal,
  );
}

interface PipelineSteps<Body> {
  turnstile?: boolean;
  body?: z.ZodType<Body>;
  maxBodyBytes?: number;
  readBody?: () => Body | Promise<Body>;
  onError?: (error: ApiError, limitHeaders: Record<string, string>) => Response;
}

/** Identified → rate limit → body → Turnstile → handler, with the limit headers on every answer. */
async function runPipeline<Body>(
  args: Args,
  steps: PipelineSteps<Body>,
  handler: (request: Guarded<Body>) => Promise<Response> | Response,
  identified: () => Promise<Principal>,
): Promise<Response> {
  let limitHeaders: Record<string, string> = {};
  const { analytics } = args.context;
  try {
    const principal = await identified();
    const decision = await countRequest(args, principal);
    if (decision) {
      limitHeaders = rateLimitHeaders(decision, Date.now());
      if (!decision.allowed) {
        analytics.record({ type: "rate_limit", outcome: "limited", subject: principal.kind, tier: principal.tier });
        throw new ApiError(429, "Too many requests; wait for the window to reset.");
      }
    }
    const body = steps.readBody
      ? await steps.readBody()
      : steps.body
        ? await readJsonBody(args.request, steps.body, steps.maxBodyBytes)
        : (undefined as Body);
    if (steps.turnstile && principal.kind !== "apiKey") await checkTurnstile(args, principal, body);
    const response = await handler({ principal, body, db: args.context.database.db, args });
    for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
    return response;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return steps.onError ? steps.onError(error, limitHeaders) : error.toResponse(limitHeaders);
  }
}

/** The request's credential, read once; a malformed Authorization header is kept as its error. */
function presentedCredential(request: Request): Credential | AuthenticationError {
  try {
    return readCredential(request);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
}

function rejectCredentialsInQuery(request: Request) {
  for (const [name, value] of new URL(request.url).searchParams) {
    if (CREDENTIAL_QUERY_PARAMS.has(name.toLowerCase()) || looksLikeApiKey(value)) {
      throw new ApiError(400, "Credentials are not accepted in the query string; use the Authorization header.", {
        code: "credentials_in_query",
      });
    }
  }
}

async function identifyOrThrow(
  args: Args,
  options: GuardOptions<unknown>,
  credential: Credential | AuthenticationError,
): Promise<Principal> {
  const { analytics } = args.context;
  const adminKey = options.adminKey ? args.request.headers.get(ADMIN_KEY_HEADER) : null;
  let principal: Principal;
  try {
    if (adminKey !== null) principal = await verifyAdminKey(args, adminKey);
    else if (credential instanceof AuthenticationError) throw credential;
    else principal = await identify(args, credential);
  } catch (error) {
    if (error instanceof AuthenticationError) {
      const subject = adminKey !== null ? "adminKey" : credentialKind(credential);
      analytics.record({ type: "auth", outcome: "rejected", subject, reason: error.message, status: 401 });
      throw new ApiError(401, error.message, { headers: { "WWW-Authenticate": 'Bearer realm="bloqr"' } });
    }
    throw error;
  }
  analytics.record({ type: "auth", outcome: "identified", subject: principal.kind, tier: principal.tier });
  return principal;
}

function credentialKind(credential: Credential | AuthenticationError): Principal["kind"] {
  if (credential instanceof AuthenticationError) return "session";
  return credential.type === "apiKey" ? "apiKey" : credential.type === "none" ? "anonymous" : "session";
}

/**
 * The operator's key: counted per IP before it is compared (so it cannot be guessed at speed),
 * then compared in constant time. A wrong key is 401, never a fallback to other credentials.
 */
async function verifyAdminKey(args: Args, presented: string): Promise<Principal> {
  const { config, services } = args.context;
  const ip = clientIp(args.request);
  let decision: RateLimitDecision;
  try {
    decision = await services.limiter.hit(
      `ratelimit:admin-key:${ipNetwork(ip)}`,
      ADMIN_KEY_ATTEMPTS_PER_MINUTE,
      Date.now(),
    );
  } catch (error) {
    args.context.analytics.record({
      type: "rate_limit",
      outcome: "store_failed",
      subject: "adminKey",
      reason: String(error),
    });
    throw new ApiError(503, "Rate limiting is unavailable; try again shortly.", { headers: { "Retry-After": "5" } });
  }
  if (!decision.allowed) {
    args.context.analytics.record({ type: "rate_limit", outcome: "limited", subject: "adminKey", tier: "admin" });
    throw new ApiError(429, "Too many admin key attempts; wait for the window to reset.", {
      headers: rateLimitHeaders(decision, Date.now()),
    });
  }
  if (!(await secretsEqual(presented, config.ADMIN_KEY))) throw new AuthenticationError("The admin key is not valid.");
  return { kind: "adminKey", ip, tier: "admin", role: "admin", scopes: [] };
}

/** A browser attaches the session cookie to cross-site requests on its own; a header it does not. */
function refuseCrossSiteCookieCalls(request: Request, credential: Credential | AuthenticationError) {
  if (SAFE_METHODS.has(request.method) || isSameOriginRequest(request)) return;
  // A malformed Authorization header is answered 401 by identify.
  if (!(credential instanceof AuthenticationError) && credential.type === "cookie")
    throw new ApiError(403, "Cross-site request refused.", { code: "csrf_failed" });
}

function authorize(principal: Principal, options: GuardOptions<unknown>, analytics: Analytics) {
  const deny = (status: 401 | 403, message: string, extra: { code?: string; headers?: HeadersInit } = {}) => {
    analytics.record({ type: "auth", outcome: "denied", subject: principal.kind, tier: principal.tier, status });
    return new ApiError(status, message, extra);
  };
  const challenge = { headers: { "WWW-Authenticate": 'Bearer realm="bloqr"' } };
  if ((options.auth ?? "required") === "required" && principal.kind === "anonymous") {
    throw deny(401, "Sign in or send an API key.", challenge);
  }
  if (options.scope && !principal.scopes.includes(options.scope) && principal.kind === "apiKey") {
    throw deny(403, `This API key lacks the "${options.scope}" scope.`, { code: "insufficient_scope" });
  }
  if (options.role === "admin") {
    if (principal.kind === "apiKey") {
      throw deny(403, "Admin endpoints need an admin session or the admin key, not an API key.", {
        code: "insufficient_role",
      });
    }
    if (principal.role !== "admin")
      throw deny(403, "This endpoint is for administrators.", { code: "insufficient_role" });
  }
}

/**
 * The caller's tier bucket (per user, or per IP when anonymous) and, for API keys, the key's own.
 * If the limiter's store fails, anonymous callers are refused (an abuse vector) while identified
 * callers pass (they are accountable, and an outage should not lock out paying users).
 */
async function countRequest(args: Args, principal: Principal): Promise<RateLimitDecision | null> {
  const { limiter } = args.context.services;
  const now = Date.now();
  const hits: Promise<RateLimitDecision>[] = [];
  const tierLimit = TIER_LIMITS[principal.tier];
  if (Number.isFinite(tierLimit)) {
    hits.push(limiter.hit(principalBucket(principal), tierLimit, now));
  }
  if (principal.apiKeyId && principal.apiKeyRateLimit) {
    hits.push(limiter.hit(`ratelimit:key:${principal.apiKeyId}`, principal.apiKeyRateLimit, now));
  }
  try {
    return strictest(await Promise.all(hits));
  } catch (error) {
    args.context.analytics.record({
      type: "rate_limit",
      outcome: "store_failed",
      subject: principal.kind,
      tier: principal.tier,
      reason: String(error),
    });
    if (principal.kind === "anonymous") {
      throw new ApiError(503, "Rate limiting is unavailable; try again shortly.", { headers: { "Retry-After": "5" } });
    }
    return null;
  }
}

async function checkTurnstile(args: Args, principal: Principal, body: unknown) {
  const fromBody =
    body && typeof body === "object" && "turnstileToken" in body && typeof body.turnstileToken === "string"
      ? body.turnstileToken
      : null;
  const { config, analytics } = args.context;
  try {
    await verifyTurnstile(
      { secret: config.TURNSTILE_SECRET_KEY, verifyUrl: config.TURNSTILE_VERIFY_URL },
      {
        token: args.request.headers.get(TURNSTILE_HEADER) ?? fromBody,
        remoteIp: principal.ip,
        hostname: new URL(args.request.url).hostname,
        action: COMPILE_ACTION,
      },
    );
  } catch (error) {
    if (error instanceof ApiError) {
      analytics.record({
        type: "turnstile",
        outcome: error.status === 503 ? "unavailable" : "failed",
        subject: principal.kind,
        tier: principal.tier,
        reason: error.status === 503 ? String(error.cause ?? error.message) : error.message,
        status: error.status,
      });
    }
    throw error;
  }
  analytics.record({ type: "turnstile", outcome: "passed", subject: principal.kind, tier: principal.tier });
}
