import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { compileBody, compileQuery, MAX_COMPILE_BODY_BYTES } from "~/api/schemas";
import { compileForCaller, compileResultBody, requestedOutputFormat } from "~/services/compilations.server";
import { guard } from "~/services/guard.server";
import { API_HEADERS, jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";

/**
 * Compiles one configuration and answers with the list (JSON, or the file itself with ?format=text),
 * in the `outputFormat` of the body or the query.
 */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(
    args,
    { auth: "optional", scope: "compile", turnstile: true, body: compileBody, maxBodyBytes: MAX_COMPILE_BODY_BYTES },
    async ({ principal, body }) => {
      const query = parseQuery(args.request, compileQuery);
      const outputFormat = requestedOutputFormat(body.outputFormat, query.outputFormat);
      const outcome = await compileForCaller(
        args.context,
        principal,
        "sync",
        { ...body, outputFormat },
        { signal: args.request.signal },
      );
      if (query.format === "text") {
        return new Response(outcome.text, {
          headers: {
            ...API_HEADERS,
            "Content-Type": "text/plain; charset=utf-8",
            "X-Rule-Count": String(outcome.ruleCount),
            "X-Cached": String(outcome.cached),
          },
        });
      }
      return jsonResponse(compileResultBody(outcome));
    },
  );
};

export const loader = () => methodNotAllowed(["POST"]);
