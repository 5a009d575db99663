import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { jobListQuery } from "~/api/schemas";
import { guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { listOwnJobs, publicJob } from "~/services/jobs.server";
import { ownerOf } from "~/services/principal";

/** Your compiles of every kind, newest first; `nextCursor` fetches the next page. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, { scope: "jobs:read" }, async ({ principal, db }) => {
    const page = await listOwnJobs(db, ownerOf(principal).userId, parseQuery(args.request, jobListQuery));
    return jsonResponse({ jobs: page.jobs.map(publicJob), nextCursor: page.nextCursor });
  });

export const action = () => methodNotAllowed(["GET"]);
