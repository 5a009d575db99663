import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { COMPILATION_KINDS } from "~/domain";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { summarizeMetrics } from "~/services/metrics.server";

const options = { role: "admin", adminKey: true } satisfies GuardOptions<unknown>;

const counts = z.record(z.string(), z.number().int());
const compilationWindow = z.object({
  total: z.number().int(),
  byStatus: counts,
  byKind: z.record(z.string(), counts).describe("Kind → status → count."),
});

const metricsSummary = z.object({
  generatedAt: z.iso.datetime(),
  users: z.object({ total: z.number().int(), byTier: counts, byRole: counts }),
  apiKeys: z.object({ active: z.number().int(), revoked: z.number().int(), expired: z.number().int() }),
  compilations: z.object({ last24h: compilationWindow, last30d: compilationWindow }),
  failedJobs: z.object({
    last30d: z.number().int(),
    reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    recent: z.array(
      z.object({
        id: z.uuid(),
        kind: z.enum(COMPILATION_KINDS),
        error: z.string().nullable(),
        attempts: z.number().int(),
        createdAt: z.iso.datetime(),
        finishedAt: z.iso.datetime().nullable(),
      }),
    ),
  }),
});

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/admin/metrics",
    operationId: "getAdminMetrics",
    summary: "Operators' summary: users, API keys, compilations (24 h / 30 d), failed jobs",
    description:
      "An admin session (not an API key), or `X-Admin-Key` equal to ADMIN_KEY (attempts limited per network).",
    guard: options,
    responses: {
      200: { description: "The summary, from one consistent snapshot.", json: metricsSummary },
      401: "a wrong `X-Admin-Key`",
    },
  }),
];

/** Operators' summary: an admin session, or X-Admin-Key = ADMIN_KEY for scripts. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, options, async ({ db }) => jsonResponse(await summarizeMetrics(db)));

export const action = () => methodNotAllowed(["GET"]);
