import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { batchCompileBody, MAX_COMPILE_BODY_BYTES } from "~/api/schemas";
import { compileForCaller, parseCompileRequest } from "~/services/compilations.server";
import { guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed } from "~/services/http.server";

/** Up to 10 configurations, each answered on its own: one failing item does not fail the others. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(
    args,
    { scope: "compile", turnstile: true, body: batchCompileBody, maxBodyBytes: MAX_COMPILE_BODY_BYTES },
    async ({ principal, body }) => {
      const results = [];
      // One at a time: ten large lists at once would not fit a Worker's memory.
      for (const item of body.items) {
        try {
          const configuration = parseCompileRequest(item.configuration, item.preFetchedContent);
          const outcome = await compileForCaller(
            args.context,
            principal,
            "batch",
            { ...item, configuration },
            { signal: args.request.signal },
          );
          results.push({
            id: item.id,
            success: true,
            rules: outcome.rules,
            ruleCount: outcome.ruleCount,
            compiledAt: outcome.compiledAt,
            cached: outcome.cached,
          });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          results.push({ id: item.id, success: false, error: { code: error.code, message: error.message } });
        }
      }
      return jsonResponse({ results });
    },
  );
};

export const loader = () => methodNotAllowed(["POST"]);
