import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { compileGuardOptions } from "~/api/compile-guard";
import { defineOperation, errorBody } from "~/api/operation";
import { compileResult, explanation, formatReport, sourceMetrics, stepMetrics } from "~/api/responses";
import { outputFormatQuery } from "~/api/schemas";
import {
  checkCompileBudget,
  compileForCaller,
  compileResultBody,
  requestedOutputFormat,
} from "~/services/compilations.server";
import { guard } from "~/services/guard.server";
import { ApiError, ERROR_CODES, methodNotAllowed, parseQuery } from "~/services/http.server";
import { openEventStream } from "~/services/sse.server";

const options = compileGuardOptions;

const sourceStart = z.object({
  type: z.literal("source_start"),
  sourceIndex: z.number().int(),
  source: z.string(),
  name: z.string().optional(),
});

const sourceDone = z.object({ type: z.literal("source_done"), ...sourceMetrics.shape });

const transformation = z.object({ type: z.literal("transformation"), ...stepMetrics.shape });

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/compile/stream",
    operationId: "compileStream",
    summary: "Compile with progress as Server-Sent Events",
    description:
      "Events: `source_start`, `source_done`, `transformation`, `format` (the conversion report, for an " +
      "`outputFormat` other than adblock), with `explain: true` a `step_explained` after each `transformation` and an " +
      "`explanation` at the end, then `result` (the CompileResult) or `error` (the error shape). " +
      "`x-events` gives each event's data. A configuration that cannot compile is a plain 400 before the stream opens.",
    guard: options,
    query: outputFormatQuery,
    responses: {
      200: {
        description: "An event stream.",
        events: {
          source_start: sourceStart,
          source_done: sourceDone,
          transformation,
          format: z.object({ type: z.literal("format"), ...formatReport.shape }),
          step_explained: z
            .looseObject({ type: z.literal("step_explained") })
            .describe("With `explain: true`, after each `transformation`: that step's explanation."),
          explanation: z.object({ type: z.literal("explanation"), explanation }),
          result: compileResult,
          error: errorBody,
        },
      },
      400: "`invalid_query`, `invalid_configuration` (the message names the path)",
      413: "`compile_too_large`: over the compile budget's declared caps (the message names the cap)",
    },
  }),
];

/**
 * Server-Sent Events: `source_start`, `source_done`, `transformation` while compiling, `format`
 * (the conversion report) for an `outputFormat` other than adblock, then one `result` or `error`. A client that goes away stops the compile.
 */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, ({ principal, body }) => {
    // A configuration that cannot compile is answered as a plain 400 before any stream opens.
    checkCompileBudget(body);
    const outputFormat = requestedOutputFormat(
      body.outputFormat,
      parseQuery(args.request, outputFormatQuery).outputFormat,
    );
    const stream = openEventStream(args.request.signal);
    const work = (async () => {
      try {
        const outcome = await compileForCaller(
          args.context,
          principal,
          "stream",
          { ...body, outputFormat },
          {
            signal: stream.signal,
            onEvent: (event) => {
              if (event.type !== "done") stream.send(event.type, event);
            },
          },
        );
        await stream.sendStreamed("result", compileResultBody(outcome));
      } catch (error) {
        if (stream.signal.aborted) return;
        // compileForCaller has recorded the failure (an unexpected one with its reason).
        const known = error instanceof ApiError;
        stream.send("error", {
          error: {
            code: known ? error.code : ERROR_CODES[500],
            message: known ? error.message : "Something went wrong on our side.",
          },
        });
      } finally {
        await stream.close();
      }
    })();
    args.context.database.keepOpenUntil(work);
    args.context.waitUntil(work);
    return stream.response;
  });
};

export const loader = () => methodNotAllowed(["POST"]);
