import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { pingDatabase } from "~/services/db.server";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";

// Answer within 2 s even when Postgres hangs: a monitor must not time out on us.
const DATABASE_CHECK_TIMEOUT_MS = 1_500;

const latencyMs = z.number().int().describe("How long the database check took.");

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    summary: "Liveness and database check",
    responses: {
      200: {
        description: "Healthy.",
        json: z.object({ status: z.literal("ok"), db: z.literal("ok"), latencyMs }),
      },
      503: {
        description: "The database did not answer.",
        json: z.object({ status: z.literal("degraded"), db: z.literal("down"), latencyMs }),
      },
    },
  }),
];

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
