import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { explainQuery } from "~/api/schemas";
import { HOST_LOOKUP_MAX_ENTRIES } from "~/compiler";
import { type ExplainedOf, lookupExplainedHost } from "~/services/compilations.server";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { findOwnJob } from "~/services/jobs.server";

const options = { auth: "optional", scope: "compile" } satisfies GuardOptions<unknown>;

const hostLookup = z.object({
  host: z.string(),
  entries: z
    .array(z.record(z.string(), z.unknown()))
    .describe(
      `Up to ${HOST_LOOKUP_MAX_ENTRIES} removed or changed rules naming the host: rule, original, source, ` +
        "step, scope, and reason / detail / parent (removed) or change / to (changed).",
    ),
  traceTruncated: z
    .boolean()
    .describe("The compile removed more rules than were traced: the answer may be incomplete."),
});

const NO_EXPLANATION = "No explanation with this id: compile again with explain: true (they are kept an hour).";
const NO_JOB_EXPLANATION = "No explanation for this job: it was not run with explain: true, or its result expired.";

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/compile/explain",
    operationId: "explainHost",
    summary: "Why isn't a host in my list? (an explained compile's rules that named it, and what removed them)",
    description:
      "Reads the explanation of a compile made with `explain: true` while its result is cached (1 h), or of an " +
      "async job submitted with `explain: true` while its result is kept (7 days) — a job's for its owner only.",
    guard: options,
    query: explainQuery,
    responses: {
      200: { description: "What happened to the rules naming the host.", json: hostLookup },
      400: "`invalid_query`",
      404: "no explanation with this id (never explained, or expired; or someone else's job)",
    },
  }),
];

/** "Why isn't this host in my list?": the rules of an explained compile or job that named it, and their fate. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, options, async ({ principal, db }) => {
    const { id, host } = parseQuery(args.request, explainQuery);
    const isJob = id.length !== 64;
    let of: ExplainedOf = { configHash: id };
    if (isJob) {
      // A job's explanation is its owner's, like its result: anyone else finds no such job (404).
      if (!principal.userId) throw new ApiError(404, "No such job.");
      of = { jobId: (await findOwnJob(db, principal.userId, id)).id };
    }
    const lookup = await lookupExplainedHost(args.context.services.compileCache, of, host);
    if (!lookup) throw new ApiError(404, isJob ? NO_JOB_EXPLANATION : NO_EXPLANATION);
    return jsonResponse(lookup);
  });

export const action = () => methodNotAllowed(["GET"]);
