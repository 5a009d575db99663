import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { guard } from "~/services/guard.server";
import { ApiError, jsonResponse } from "~/services/http.server";
import { findOwnJob, jobResult, publicJob } from "~/services/jobs.server";
import { ownerOf } from "~/services/principal";

/** A job's status, and its list once it succeeded. Only its owner sees it; for anyone else it does not exist. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, { scope: "jobs:read" }, async ({ principal, db }) => {
    const id = z.uuid().safeParse(args.params.id);
    if (!id.success) throw new ApiError(404, "No such job.");
    const job = await findOwnJob(db, ownerOf(principal).userId, id.data);
    if (job.status !== "succeeded") return jsonResponse({ ...publicJob(job), result: null });
    const list = await jobResult(args.context.cloudflare.env.COMPILE_CACHE, job);
    return jsonResponse({
      ...publicJob(job),
      result: list && {
        rules: list.rules,
        ruleCount: list.ruleCount,
        compiledAt: list.compiledAt,
        metrics: list.metrics,
      },
      resultExpired: list === null,
    });
  });
