import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { compileGuardOptions } from "~/api/compile-guard";
import { defineOperation } from "~/api/operation";
import { compileResult } from "~/api/responses";
import { compileQuery, MAX_COMPILE_BODY_BYTES } from "~/api/schemas";
import { compileForCaller, compileResultBody, requestedOutputFormat } from "~/services/compilations.server";
import { bytesStream, textStream } from "~/services/compression.server";
import { guard } from "~/services/guard.server";
import { API_HEADERS, methodNotAllowed, parseQuery } from "~/services/http.server";
import { streamedJsonResponse } from "~/services/list-json.server";

const options = compileGuardOptions;

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/compile",
    operationId: "compile",
    summary: "Compile one configuration",
    description: `Body up to ${MAX_COMPILE_BODY_BYTES / 1024 / 1024} MB. \`preFetchedContent\` maps a source URL to its text, used instead of fetching it.`,
    guard: options,
    query: compileQuery,
    responses: {
      200: {
        description: "The compiled list: JSON, or with `?format=text` the list itself.",
        json: compileResult,
        text: true,
        headers: {
          "X-Rule-Count": { description: "With `?format=text`: the list's rule count.", schema: { type: "integer" } },
          "X-Cached": { description: "With `?format=text`: served from the result cache.", schema: { type: "string" } },
        },
      },
      400: "`invalid_query`, `invalid_configuration` (the message names the path), or `outputFormat` in both body and query, different",
      413: "`compile_too_large`: over the compile budget (the message names the cap); `source_too_large`: a source over 20 MB",
      422: "a source could not be loaded (`source_refused`, `source_http_error`, `source_unreachable`, `source_timeout`, `source_error`)",
    },
  }),
];

/**
 * Compiles one configuration and answers with the list (JSON, or the file itself with ?format=text),
 * in the `outputFormat` of the body or the query.
 */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, body }) => {
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
      return new Response(outcome.blocks ? bytesStream(outcome.blocks) : textStream(outcome.text), {
        headers: {
          ...API_HEADERS,
          "Content-Type": "text/plain; charset=utf-8",
          "X-Rule-Count": String(outcome.ruleCount),
          "X-Cached": String(outcome.cached),
        },
      });
    }
    return streamedJsonResponse(compileResultBody(outcome));
  });
};

export const loader = () => methodNotAllowed(["POST"]);
