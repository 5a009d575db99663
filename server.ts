/**
 * The Worker: `fetch` hands requests to Remix with the load context; `queue` hands batches to
 * the compile consumer; `scheduled` (the cron trigger) queues the published lists that are due; the rate limiter's Durable Object class is exported for its binding.
 * Two checks hold for every request whatever route answers it: a cross-site page action is
 * refused before Remix runs it, and every response leaves with the security headers.
 */
import { createRequestHandler } from "@remix-run/cloudflare";
import * as build from "@remix-run/dev/server-build";
import { analyticsFor } from "./app/services/analytics.server";
import { isCrossSitePageAction, isPageAction, withConsistentHost } from "./app/services/csrf.server";
import { openDatabase } from "./app/services/db.server";
import { EnvError, getAppEnv } from "./app/services/env.server";
import { renderStandaloneErrorPage } from "./app/services/error-page.server";
import { ApiError, isApiPath, jsonError, readBodyBytes } from "./app/services/http.server";
import { listServicesFor, scheduleDueLists } from "./app/services/list-refresh.server";
import { consumeCompileBatch } from "./app/services/queue-consumer.server";
import { withSecurityHeaders } from "./app/services/security-headers.server";

export { RateLimiterObject } from "./app/services/rate-limiter-object.server";

// Production mode everywhere: Remix's development mode would send stack traces to clients.
const handleRemixRequest = createRequestHandler(build, "production");
// Page forms carry a name, a few choices or a configuration; API bodies have their own caps.
const MAX_PAGE_FORM_BYTES = 1024 * 1024;

function internalError(request: Request): Response {
  return isApiPath(new URL(request.url).pathname)
    ? jsonError(500, "The server is misconfigured. The operators have been told.")
    : renderStandaloneErrorPage(500);
}

/**
 * Remix answers some API requests itself, with its own body (`{"message":…}` or plain text): a
 * method a resource route does not handle (405, or 400 for a GET to a route without a loader), an
 * unexpected throw (500), a `?_data=` naming another route (403). Keep the API's one shape.
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
  if (response.status === 400 || response.status === 405) {
    return jsonError(405, "This endpoint does not accept that method.");
  }
  return jsonError(response.status === 403 ? 403 : 400, "This request cannot be answered.");
}

async function respond(incoming: Request, env: Env, ctx: ExecutionContext, isApi: boolean): Promise<Response> {
  let request = incoming;
  if (isPageAction(request, isApi)) {
    if (isCrossSitePageAction(request, isApi)) return renderStandaloneErrorPage(403);
    // Read here, whatever Content-Length claims: a chunked upload must not reach formData() unbounded.
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readBodyBytes(request, MAX_PAGE_FORM_BYTES);
    } catch (error) {
      return renderStandaloneErrorPage(error instanceof ApiError ? error.status : 400);
    }
    request = withConsistentHost(request, body);
  }
  let config: ReturnType<typeof getAppEnv>;
  try {
    config = getAppEnv(env);
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : error);
    return internalError(request);
  }
  const database = openDatabase(config);
  try {
    const analytics = analyticsFor(env.ANALYTICS);
    const response = await handleRemixRequest(request, { cloudflare: { env, ctx }, config, database, analytics });
    return isApi ? ensureApiErrorShape(response) : response;
  } finally {
    ctx.waitUntil(database.close());
  }
}

export default {
  async fetch(request, env, ctx) {
    const isApi = isApiPath(new URL(request.url).pathname);
    return withSecurityHeaders(await respond(request, env, ctx, isApi), { api: isApi });
  },

  async queue(batch, env, ctx) {
    await consumeCompileBatch(batch, env, ctx);
  },

  async scheduled(controller, env, _ctx) {
    const config = getAppEnv(env);
    const database = openDatabase(config);
    try {
      await scheduleDueLists(
        listServicesFor(env, config, database.db, analyticsFor(env.ANALYTICS)),
        new Date(controller.scheduledTime),
      );
    } finally {
      await database.close();
    }
  },
} satisfies ExportedHandler<Env>;
