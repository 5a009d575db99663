import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { summarizeMetrics } from "~/services/metrics.server";

/** Operators' summary: an admin session, or X-Admin-Key = ADMIN_KEY for scripts. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, { role: "admin", adminKey: true }, async ({ db }) => jsonResponse(await summarizeMetrics(db)));

export const action = () => methodNotAllowed(["GET"]);
