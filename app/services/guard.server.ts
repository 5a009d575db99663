/**
 * The one request pipeline of every `/api/*` resource route (ARCHITECTURE §3):
 *
 *   CSRF (cookie callers) → identify → auth / scope → rate limit → body → Turnstile → handler
 *
 * A route reads `export const action = (args) => guard(args, { scope: "compile", turnstile: true,
 * body: schema }, handler)` and never does its own auth, limiting or bot checks. Whatever the
 * handler or a step throws as ApiError leaves as `{error:{code,message}}` with the limit headers.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import type { z } from "zod";
import type { ApiKeyScope } from "~/db/schema";
import { looksLikeApiKey } from "./api-keys.server";
import { isSameOriginRequest } from "./csrf.server";
import type { Database } from "./db.server";
import { ApiError, describeIssues, readBodyText } from "./http.server";
import { AuthenticationError, identify, type Principal, readCredential } from "./identity.server";
import {
  principalBucket,
  type RateLimitDecision,
  rateLimiterFor,
  rateLimitHeaders,
  strictest,
  TIER_LIMITS,
} from "./rate-limit.server";
import { COMPILE_ACTION, TURNSTILE_HEADER, verifyTurnstile } from "./turnstile.server";

type Args = Pick<LoaderFunctionArgs, "request" | "context" | "params">;

// JSON bodies are configurations and key settings; 1 MB is far above any honest one.
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
// Credentials in URLs end up in logs, browser history and Referer headers.
const CREDENTIAL_QUERY_PARAMS = new Set(["api_key", "apikey", "api-key", "key", "token", "access_token"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface GuardOptions<Body> {
  /** "required": anonymous callers get 401. Default "required". */
  auth?: "optional" | "required";
  /** The API-key scope this endpoint needs; sessions hold every scope. */
  scope?: ApiKeyScope;
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
  let limitHeaders: Record<string, string> = {};
  try {
    rejectCredentialsInQuery(args.request);
    refuseCrossSiteCookieCalls(args.request);
    const principal = await identifyOrThrow(args);
    authorize(principal, options);
    const decision = await countRequest(args, principal);
    if (decision) {
      limitHeaders = rateLimitHeaders(decision, Date.now());
      if (!decision.allowed) throw new ApiError(429, "Too many requests; wait for the window to reset.");
    }
    const body = options.body
      ? await readJsonBody(args.request, options.body, options.maxBodyBytes)
      : (undefined as Body);
    if (options.turnstile && principal.kind !== "apiKey") await checkTurnstile(args, principal, body);
    const response = await handler({ principal, body, db: args.context.database.db, args });
    for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
    return response;
  } catch (error) {
    if (error instanceof ApiError) return error.toResponse(limitHeaders);
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

async function identifyOrThrow(args: Args): Promise<Principal> {
  try {
    return await identify(args);
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new ApiError(401, error.message, { headers: { "WWW-Authenticate": 'Bearer realm="bloqr"' } });
    }
    throw error;
  }
}

/** A browser attaches the session cookie to cross-site requests on its own; a header it does not. */
function refuseCrossSiteCookieCalls(request: Request) {
  if (SAFE_METHODS.has(request.method) || isSameOriginRequest(request)) return;
  let credential: ReturnType<typeof readCredential>;
  try {
    credential = readCredential(request);
  } catch {
    return; // a malformed Authorization header: identify answers it with 401
  }
  if (credential.type === "cookie") throw new ApiError(403, "Cross-site request refused.", { code: "csrf_failed" });
}

function authorize(principal: Principal, options: GuardOptions<unknown>) {
  if ((options.auth ?? "required") === "required" && principal.kind === "anonymous") {
    throw new ApiError(401, "Sign in or send an API key.", { headers: { "WWW-Authenticate": 'Bearer realm="bloqr"' } });
  }
  if (options.scope && !principal.scopes.includes(options.scope) && principal.kind === "apiKey") {
    throw new ApiError(403, `This API key lacks the "${options.scope}" scope.`, { code: "insufficient_scope" });
  }
}

/**
 * The caller's tier bucket (per user, or per IP when anonymous) and, for API keys, the key's own.
 * If the limiter's store fails, anonymous callers are refused (an abuse vector) while identified
 * callers pass (they are accountable, and an outage should not lock out paying users).
 */
async function countRequest(args: Args, principal: Principal): Promise<RateLimitDecision | null> {
  const { config, cloudflare } = args.context;
  const limiter = rateLimiterFor(config.RATE_LIMIT_BACKEND, cloudflare.env);
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
    console.error(JSON.stringify({ event: "rate_limit_store_failed", kind: principal.kind, reason: String(error) }));
    if (principal.kind === "anonymous") {
      throw new ApiError(503, "Rate limiting is unavailable; try again shortly.", { headers: { "Retry-After": "5" } });
    }
    return null;
  }
}

async function readJsonBody<Body>(request: Request, schema: z.ZodType<Body>, maxBytes = DEFAULT_MAX_BODY_BYTES) {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new ApiError(415, "Send the body as JSON with Content-Type: application/json.");
  }
  const text = await readBodyText(request, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, "The body is not valid JSON.", { code: "invalid_json" });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(400, describeIssues(parsed.error), { code: "invalid_request" });
  return parsed.data;
}

async function checkTurnstile(args: Args, principal: Principal, body: unknown) {
  const fromBody =
    body && typeof body === "object" && "turnstileToken" in body && typeof body.turnstileToken === "string"
      ? body.turnstileToken
      : null;
  const { config } = args.context;
  await verifyTurnstile(
    { secret: config.TURNSTILE_SECRET_KEY, verifyUrl: config.TURNSTILE_VERIFY_URL },
    {
      token: args.request.headers.get(TURNSTILE_HEADER) ?? fromBody,
      remoteIp: principal.ip,
      hostname: new URL(args.request.url).hostname,
      action: COMPILE_ACTION,
    },
  );
}

/**
 * The limit and Turnstile steps of the pipeline for a page action that compiles for its signed-in
 * user (the playground without JavaScript), so a form is limited and bot-checked like the API.
 */
export async function checkPageCompile(args: Args, principal: Principal, turnstileToken: string | null) {
  const decision = await countRequest(args, principal);
  if (decision && !decision.allowed) throw new ApiError(429, "Too many requests; wait for the window to reset.");
  await checkTurnstile(args, principal, { turnstileToken });
}
