import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation, errorBody } from "~/api/operation";
import { compileResult } from "~/api/responses";
import { batchCompileBody, MAX_BATCH_ITEMS, MAX_COMPILE_BODY_BYTES } from "~/api/schemas";
import { compileForCaller, parseCompileRequest } from "~/services/compilations.server";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, methodNotAllowed } from "~/services/http.server";
import { RulesArray, streamedJsonResponse } from "~/services/list-json.server";

const options = {
  scope: "compile",
  turnstile: true,
  body: batchCompileBody,
  maxBodyBytes: MAX_COMPILE_BODY_BYTES,
} satisfies GuardOptions<unknown>;

const itemId = { id: z.string().describe("The item's id from the request.") };

const batchResult = z.object({
  results: z.array(
    z.union([
      z.object({ ...itemId, ...compileResult.omit({ metrics: true }).shape }),
      z.object({ ...itemId, success: z.literal(false), ...errorBody.shape }),
    ]),
  ),
});

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/compile/batch",
    operationId: "compileBatch",
    summary: `Compile up to ${MAX_BATCH_ITEMS} configurations; each item succeeds or fails on its own`,
    guard: options,
    responses: {
      200: { description: "One result per item, in order: the list, or the item's error.", json: batchResult },
    },
  }),
];

/** Up to 10 configurations, each answered on its own: one failing item does not fail the others. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, body }) => {
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
          rules: new RulesArray(outcome.text),
          ruleCount: outcome.ruleCount,
          compiledAt: outcome.compiledAt,
          cached: outcome.cached,
        });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        results.push({ id: item.id, success: false, error: { code: error.code, message: error.message } });
      }
    }
    return streamedJsonResponse({ results });
  });
};

export const loader = () => methodNotAllowed(["POST"]);
