import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { pingDatabase } from "~/services/db.server";
import { jsonResponse } from "~/services/http.server";

// Answer within 2 s even when Postgres hangs: a monitor must not time out on us.
const DATABASE_CHECK_TIMEOUT_MS = 1_500;

export async function loader({ context }: LoaderFunctionArgs) {
  const started = Date.now();
  try {
    await pingDatabase(context.database.db, DATABASE_CHECK_TIMEOUT_MS);
    return jsonResponse({ status: "ok", db: "ok", latencyMs: Date.now() - started });
  } catch (error) {
    console.error(
      JSON.stringify({ event: "health.db_down", error: error instanceof Error ? error.message : String(error) }),
    );
    return jsonResponse({ status: "degraded", db: "down", latencyMs: Date.now() - started }, { status: 503 });
  }
}
