import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { explainQuery } from "~/api/schemas";
import { HOST_LOOKUP_MAX_ENTRIES } from "~/compiler";
import { lookupExplainedHost } from "~/services/compilations.server";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";

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

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/compile/explain",
    operationId: "explainHost",
    summary: "Why isn't a host in my list? (an explained compile's rules that named it, and what removed them)",
    description: "Reads the explanation of a compile made with `explain: true` while its result is cached (1 h).",
    guard: options,
    query: explainQuery,
    responses: {
      200: { description: "What happened to the rules naming the host.", json: hostLookup },
      400: "`invalid_query`",
      404: "no explanation with this id (never explained, or expired)",
    },
  }),
];

/** "Why isn't this host in my list?": the rules of an explained compile that named it, and their fate. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, options, async () => {
    const { id, host } = parseQuery(args.request, explainQuery);
    const lookup = await lookupExplainedHost(args.context.services.compileCache, id, host);
    if (!lookup) {
      throw new ApiError(404, "No explanation with this id: compile again with explain: true (they are kept an hour).");
    }
    return jsonResponse(lookup);
  });

export const action = () => methodNotAllowed(["GET"]);
