import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { pingDatabase } from "~/services/db.server";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";

// Answer within 2 s even when Postgres hangs: a monitor must not time out on us.
const DATABASE_CHECK_TIMEOUT_MS = 1_500;

export const loader = publicEndpoint(async ({ context }: LoaderFunctionArgs) => {
  const started = Date.now();
  try {
    await pingDatabase(context.database.db, DATABASE_CHECK_TIMEOUT_MS);
    return jsonResponse({ status: "ok", db: "ok", latencyMs: Date.now() - started });
  } catch (error) {
    context.analytics.record({
      type: "health",
      outcome: "db_down",
      reason: error instanceof Error ? error.message : String(error),
      durationMs: Date.now() - started,
    });
    return jsonResponse({ status: "degraded", db: "down", latencyMs: Date.now() - started }, { status: 503 });
  }
});

export const action = () => methodNotAllowed(["GET"]);
