/**
 * The Worker: each handler builds the load context once (`getLoadContext`); `fetch` hands requests
 * to Remix with it, `queue` hands batches to the compile consumer, `scheduled` (the cron trigger)
 * queues the published lists that are due and forgets job requests kept past their retention; the
 * rate limiter's Durable Object class is exported for its binding.
 * Two checks hold for every request whatever route answers it: a cross-site page action is
 * refused before Remix runs it, and every response leaves with the security headers.
 */
import { type AppLoadContext, createRequestHandler } from "@remix-run/cloudflare";
import * as build from "@remix-run/dev/server-build";
import { getLoadContext } from "./app/load-context";
import { isCrossSitePageAction, isPageAction, withConsistentHost } from "./app/services/csrf.server";
import { EnvError } from "./app/services/env.server";
import { renderStandaloneErrorPage } from "./app/services/error-page.server";
import { PLAYGROUND_PATH, PLAYGROUND_TOO_LARGE_PATH, pageFormLimit } from "./app/services/forms.server";
import { ApiError, isApiPath, jsonError, readBodyBytes } from "./app/services/http.server";
import { forgetOldRequests } from "./app/services/jobs.server";
import { listServicesOf, scheduleDueLists } from "./app/services/list-refresh.server";
import { consumeCompileBatch } from "./app/services/queue-consumer.server";
import { withSecurityHeaders } from "./app/services/security-headers.server";

export { RateLimiterObject } from "./app/services/rate-limiter-object.server";

// Production mode everywhere: Remix's development mode would send stack traces to clients.
const handleRemixRequest = createRequestHandler(build, "production");

/** How long a client should wait before retrying when the database cannot be reached. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** 503 + Retry-After instead of a 500 when the request failed because Postgres was unreachable. */
function databaseUnavailable(isApi: boolean): Response {
  const headers = { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) };
  if (isApi) return jsonError(503, "The database is unavailable right now; try again shortly.", { headers });
  const page = renderStandaloneErrorPage(503);
  page.headers.set("Retry-After", headers["Retry-After"]);
  return page;
}

function internalError(request: Request): Response {
  return isApiPath(new URL(request.url).pathname)
    ? jsonError(500, "The server is misconfigured. The operators have been told.")
    : renderStandaloneErrorPage(500);
}

/**
 * Remix answers a few API requests itself, with its own body (`{"message":…}` or plain text): an
 * unexpected throw (500), a `?_data=` naming another route (403). Keep the API's one shape. (A
 * method a route does not handle is its own `methodNotAllowed`.)
 */
async function ensureApiErrorShape(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as Record<string, unknown> | null;
  const isRemixDefault = body === null || (Object.keys(body).length === 1 && typeof body.message === "string");
  if (!isRemixDefault) return response;
  if (response.status >= 500) return jsonError(500, "Something went wrong on our side.");
  return jsonError(response.status === 403 ? 403 : 400, "This request cannot be answered.");
}

async function respond(incoming: Request, env: Env, ctx: ExecutionContext, isApi: boolean): Promise<Response> {
  let request = incoming;
  if (isPageAction(request, isApi)) {
    if (isCrossSitePageAction(request, isApi)) return renderStandaloneErrorPage(403);
    // Read here, whatever Content-Length claims: a chunked upload must not reach formData() unbounded.
    let body: Uint8Array<ArrayBuffer>;
    const { pathname, origin } = new URL(request.url);
    try {
      body = await readBodyBytes(request, pageFormLimit(pathname));
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 400;
      if (status === 413 && pathname === PLAYGROUND_PATH)
        return Response.redirect(origin + PLAYGROUND_TOO_LARGE_PATH, 303);
      return renderStandaloneErrorPage(status);
    }
    request = withConsistentHost(request, body);
  }
  let context: AppLoadContext;
  try {
    context = getLoadContext(env, ctx);
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : error);
    return internalError(request);
  }
  try {
    const response = await handleRemixRequest(request, context);
    if (response.status === 500 && context.database.unreachable) {
      await response.body?.cancel();
      return databaseUnavailable(isApi);
    }
    return isApi ? ensureApiErrorShape(response) : response;
  } finally {
    ctx.waitUntil(context.database.close());
  }
}

export default {
  async fetch(request, env, ctx) {
    const isApi = isApiPath(new URL(request.url).pathname);
    return withSecurityHeaders(await respond(request, env, ctx, isApi), { api: isApi });
  },

  async queue(batch, env, ctx) {
    const context = getLoadContext(env, ctx);
    try {
      await consumeCompileBatch(batch, context);
    } finally {
      await context.database.close();
    }
  },

  async scheduled(controller, env, ctx) {
    const context = getLoadContext(env, ctx);
    try {
      const now = new Date(controller.scheduledTime);
      await scheduleDueLists(listServicesOf(context), now);
      await forgetOldRequests(context.database.db, now);
    } finally {
      await context.database.close();
    }
  },
} satisfies ExportedHandler<Env>;
