/**
 * The one place that turns the Worker's bindings into what the app uses. `fetch`, `queue` and
 * `scheduled` in server.ts all start with `getLoadContext(env, ctx)`; routes and services take what
 * they need from it and never read `env` themselves (a test fails if a route does).
 */
import type { AppLoadContext } from "@remix-run/cloudflare";
import type { LoadSource } from "~/compiler";
import { type Analytics, analyticsFor } from "~/services/analytics.server";
import { type DatabaseHandle, openDatabase } from "~/services/db.server";
import { type AppEnv, getAppEnv } from "~/services/env.server";
import type { CompileQueues } from "~/services/jobs.server";
import { type RateLimiter, rateLimiterFor } from "~/services/rate-limit.server";
import { sourceLoader } from "~/services/sources.server";

/** The app's services, bound to this Worker's bindings and configuration. */
export interface Services {
  /** KV of compiled lists: the 1 h result cache, job results and the source cache. */
  compileCache: KVNamespace;
  /** The async compile queues, by priority. */
  queues: CompileQueues;
  /** The rate limiter of RATE_LIMIT_BACKEND. */
  limiter: RateLimiter;
  /** Loads a source: from the request's pre-fetched content if it has it, else fetched safely and cached. */
  sources(preFetchedContent?: Record<string, string>): LoadSource;
}

export interface LoadContext {
  /** Validated configuration (app/services/env.server.ts). */
  config: AppEnv;
  /** This request's database, opened on first use; `close()` it when the work is done. */
  database: DatabaseHandle;
  /** Analytics Engine data points and structured logs (app/services/analytics.server.ts). */
  analytics: Analytics;
  services: Services;
  /** Lets work outlive the response (a stream, a background write). */
  waitUntil(work: Promise<unknown>): void;
}

declare module "@remix-run/server-runtime" {
  interface AppLoadContext extends LoadContext {}
}

/** Throws EnvError (naming every bad variable) when the configuration is invalid. */
export function getLoadContext(env: Env, ctx: Pick<ExecutionContext, "waitUntil">): AppLoadContext {
  const config = getAppEnv(env);
  return {
    config,
    database: openDatabase(config),
    analytics: analyticsFor(env.ANALYTICS),
    services: {
      compileCache: env.COMPILE_CACHE,
      queues: { standard: env.COMPILE_QUEUE, high: env.COMPILE_QUEUE_HIGH },
      limiter: rateLimiterFor(config.RATE_LIMIT_BACKEND, env),
      sources: (preFetchedContent) =>
        sourceLoader({
          preFetchedContent,
          cache: env.COMPILE_CACHE,
          allowedPrivateHosts: config.SOURCE_ALLOW_PRIVATE_HOSTS,
        }),
    },
    waitUntil: (work) => ctx.waitUntil(work),
  };
}
