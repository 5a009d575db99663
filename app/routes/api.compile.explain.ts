import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { explainQuery } from "~/api/schemas";
import { lookupExplainedHost } from "~/services/compilations.server";
import { guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";

/** "Why isn't this host in my list?": the rules of an explained compile that named it, and their fate. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, { auth: "optional", scope: "compile" }, async () => {
    const { id, host } = parseQuery(args.request, explainQuery);
    const lookup = await lookupExplainedHost(args.context.services.compileCache, id, host);
    if (!lookup) {
      throw new ApiError(404, "No explanation with this id: compile again with explain: true (they are kept an hour).");
    }
    return jsonResponse(lookup);
  });

export const action = () => methodNotAllowed(["GET"]);
