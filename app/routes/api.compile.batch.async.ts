import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { defineOperation } from "~/api/operation";
import { acceptedBatch, JOB_SUBMISSION_ERRORS } from "~/api/responses";
import { asyncBatchCompileBody, MAX_ASYNC_BATCH_ITEMS, MAX_COMPILE_BODY_BYTES } from "~/api/schemas";
import { parseCompileRequest } from "~/services/compilations.server";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed } from "~/services/http.server";
import { enqueueJobs } from "~/services/jobs.server";

const options = {
  scope: "compile:async",
  turnstile: true,
  body: asyncBatchCompileBody,
  maxBodyBytes: MAX_COMPILE_BODY_BYTES,
} satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/compile/batch/async",
    operationId: "compileBatchAsync",
    summary: `Queue up to ${MAX_ASYNC_BATCH_ITEMS} compiles; every configuration is checked before any is queued`,
    guard: options,
    responses: {
      202: { description: "Queued, one request per item, in order.", json: acceptedBatch },
      ...JOB_SUBMISSION_ERRORS,
    },
  }),
];

/** Queues up to 100 compiles at once; every configuration is checked before any is queued. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, body, db }) => {
    const requests = body.items.map((item) => {
      try {
        return {
          configuration: parseCompileRequest(item.configuration, item.preFetchedContent),
          preFetchedContent: item.preFetchedContent,
        };
      } catch (error) {
        if (error instanceof ApiError)
          throw new ApiError(error.status, `items "${item.id}": ${error.message}`, { code: error.code });
        throw error;
      }
    });
    const jobs = await enqueueJobs(
      db,
      args.context.services.queues,
      principal,
      body.priority,
      requests,
      args.context.analytics,
    );
    return jsonResponse(
      {
        priority: body.priority,
        requests: body.items.map((item, index) => ({
          id: item.id,
          requestId: jobs[index].id,
          status: jobs[index].status,
          location: `/api/queue/results/${jobs[index].id}`,
        })),
      },
      { status: 202 },
    );
  });
};

export const loader = () => methodNotAllowed(["POST"]);
