import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { accepted, JOB_SUBMISSION_ERRORS } from "~/api/responses";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed } from "~/services/http.server";
import { KEPT_REQUEST_MAX_BYTES, REQUEST_RETENTION_MS, rerunJob } from "~/services/jobs.server";

// No Turnstile: the request passed it when first submitted; the rate limit and the job cap still apply.
const options = { scope: "compile:async" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/compile/jobs/{id}/rerun",
    operationId: "rerunJob",
    summary: "Run a finished job's request again, as a new job",
    description:
      `A finished async job keeps its request (configuration and pasted lists) when it is at most ` +
      `${KEPT_REQUEST_MAX_BYTES / 1024 / 1024} MB, for ${REQUEST_RETENTION_MS / 86_400_000} days. The new job ` +
      "is the caller's, queued at the old job's priority while the tier allows it.",
    guard: options,
    pathParameters: { id: "The `requestId` of a finished async compile (any other id: 404)." },
    responses: {
      202: {
        description: "Queued: the new job.",
        json: accepted,
        headers: { Location: { description: "Where the new job's result will be.", schema: { type: "string" } } },
      },
      404: "no such job (also for other users' jobs)",
      409: "`not_rerunnable`: the job is still queued or running, is not an async job, or its request is no longer kept",
      429: JOB_SUBMISSION_ERRORS[429],
      503: JOB_SUBMISSION_ERRORS[503],
    },
  }),
];

/** "Run again": the job's kept request, queued as a new job of its owner (202 with the new id). */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, db }) => {
    const id = z.uuid().safeParse(args.params.id);
    if (!id.success) throw new ApiError(404, "No such job.");
    const job = await rerunJob(db, args.context.services.queues, principal, id.data, args.context.analytics);
    const location = `/api/queue/results/${job.id}`;
    return jsonResponse(
      { requestId: job.id, priority: job.priority, status: "queued" as const, location },
      { status: 202, headers: { Location: location } },
    );
  });
};

export const loader = () => methodNotAllowed(["POST"]);
