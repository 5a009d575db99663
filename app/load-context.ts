import type { Analytics } from "~/services/analytics.server";
import type { DatabaseHandle } from "~/services/db.server";
import type { AppEnv } from "~/services/env.server";

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: { env: Env; ctx: ExecutionContext };
    /** Validated configuration (app/services/env.server.ts). */
    config: AppEnv;
    /** This request's database, opened on first use and closed after the response. */
    database: DatabaseHandle;
    /** Analytics Engine data points and structured logs (app/services/analytics.server.ts). */
    analytics: Analytics;
  }
}
