import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { job } from "~/api/responses";
import { jobListQuery } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { listOwnJobs, publicJob } from "~/services/jobs.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "jobs:read" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/compile/jobs",
    operationId: "listJobs",
    summary: "Your compiles of every kind, newest first",
    description: "A `compile:async` key holds `jobs:read` too.",
    guard: options,
    query: jobListQuery,
    responses: {
      200: {
        description: "A page of jobs; `nextCursor` fetches the next one (null: no more).",
        json: z.object({ jobs: z.array(job), nextCursor: z.string().nullable() }),
      },
      400: "`invalid_query`, `invalid_cursor`",
    },
  }),
];

/** Your compiles of every kind, newest first; `nextCursor` fetches the next page. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, options, async ({ principal, db }) => {
    const page = await listOwnJobs(db, ownerOf(principal).userId, parseQuery(args.request, jobListQuery));
    return jsonResponse({ jobs: page.jobs.map(publicJob), nextCursor: page.nextCursor });
  });

export const action = () => methodNotAllowed(["GET"]);
