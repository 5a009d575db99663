import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { job, jobList } from "~/api/responses";
import { outputFormatQuery } from "~/api/schemas";
import { inOutputFormat } from "~/services/compilations.server";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { findOwnJob, jobResult, publicJob } from "~/services/jobs.server";
import { RulesArray, streamedJsonResponse } from "~/services/list-json.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "jobs:read" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/queue/results/{id}",
    operationId: "getJobResult",
    summary: "A job's status, and its list once it succeeded",
    description: "A `compile:async` key holds `jobs:read` too.",
    guard: options,
    pathParameters: { id: "The `requestId` of an async compile (any other id: 404)." },
    query: outputFormatQuery,
    responses: {
      200: {
        description:
          "The job; `result` is its list once it succeeded, in `?outputFormat=` (converted from the stored adblock list).",
        json: z.object({
          ...job.shape,
          result: jobList.nullable().describe("Null until the job succeeded, after it failed, or once expired."),
          resultExpired: z
            .boolean()
            .optional()
            .describe("Present once the job succeeded: true when its stored list has expired (result null)."),
        }),
      },
      400: "`invalid_query`",
      404: "no such job (also for other users' jobs)",
    },
  }),
];

/**
 * A job's status, and its list once it succeeded (in `?outputFormat=`, converted from the stored
 * adblock list). Only its owner sees it; for anyone else it does not exist.
 */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, options, async ({ principal, db }) => {
    const { outputFormat } = parseQuery(args.request, outputFormatQuery);
    const id = z.uuid().safeParse(args.params.id);
    if (!id.success) throw new ApiError(404, "No such job.");
    const job = await findOwnJob(db, ownerOf(principal).userId, id.data);
    if (job.status !== "succeeded") return jsonResponse({ ...publicJob(job), result: null });
    const stored = await jobResult(args.context.services.results, job);
    const list = stored && inOutputFormat(stored, outputFormat);
    return streamedJsonResponse({
      ...publicJob(job),
      result: list && {
        rules: new RulesArray(list.text),
        ruleCount: list.ruleCount,
        compiledAt: list.compiledAt,
        metrics: list.metrics,
      },
      resultExpired: list === null,
    });
  });

export const action = () => methodNotAllowed(["GET"]);
