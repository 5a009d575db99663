import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { outputFormatQuery } from "~/api/schemas";
import { inOutputFormat } from "~/services/compilations.server";
import { guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { findOwnJob, jobResult, publicJob } from "~/services/jobs.server";
import { ownerOf } from "~/services/principal";

/**
 * A job's status, and its list once it succeeded (in `?outputFormat=`, converted from the stored
 * adblock list). Only its owner sees it; for anyone else it does not exist.
 */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, { scope: "jobs:read" }, async ({ principal, db }) => {
    const { outputFormat } = parseQuery(args.request, outputFormatQuery);
    const id = z.uuid().safeParse(args.params.id);
    if (!id.success) throw new ApiError(404, "No such job.");
    const job = await findOwnJob(db, ownerOf(principal).userId, id.data);
    if (job.status !== "succeeded") return jsonResponse({ ...publicJob(job), result: null });
    const stored = await jobResult(args.context.services.compileCache, job);
    const list = stored && inOutputFormat(stored, outputFormat);
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

export const action = () => methodNotAllowed(["GET"]);
