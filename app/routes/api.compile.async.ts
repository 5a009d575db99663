import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { defineOperation } from "~/api/operation";
import { accepted, JOB_SUBMISSION_ERRORS } from "~/api/responses";
import { asyncCompileBody, MAX_COMPILE_BODY_BYTES } from "~/api/schemas";
import { checkCompileBudget } from "~/services/compilations.server";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { enqueueJobs } from "~/services/jobs.server";

const options = {
  scope: "compile:async",
  turnstile: true,
  body: asyncCompileBody,
  maxBodyBytes: MAX_COMPILE_BODY_BYTES,
} satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/compile/async",
    operationId: "compileAsync",
    summary: "Queue a compile",
    description: '`priority: "high"` is for pro and admin.',
    guard: options,
    responses: {
      202: {
        description: "Queued.",
        json: accepted,
        headers: { Location: { description: "Where the result will be.", schema: { type: "string" } } },
      },
      ...JOB_SUBMISSION_ERRORS,
    },
  }),
];

/** Queues one compile: 202 with the job id; the result appears at /api/queue/results/:id. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, body, db }) => {
    checkCompileBudget(body);
    const [job] = await enqueueJobs(
      db,
      args.context.services.queues,
      principal,
      body.priority,
      [{ configuration: body.configuration, preFetchedContent: body.preFetchedContent, explain: body.explain }],
      args.context.analytics,
    );
    const location = `/api/queue/results/${job.id}`;
    return jsonResponse(
      { requestId: job.id, priority: job.priority, status: job.status, location },
      { status: 202, headers: { Location: location } },
    );
  });
};

export const loader = () => methodNotAllowed(["POST"]);
