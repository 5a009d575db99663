import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { compileBody, MAX_COMPILE_BODY_BYTES, outputFormatQuery } from "~/api/schemas";
import {
  checkCompileBudget,
  compileForCaller,
  compileResultBody,
  requestedOutputFormat,
} from "~/services/compilations.server";
import { guard } from "~/services/guard.server";
import { ApiError, methodNotAllowed, parseQuery } from "~/services/http.server";
import { openEventStream } from "~/services/sse.server";

/**
 * Server-Sent Events: `source_start`, `source_done`, `transformation` while compiling, `format`
 * (the conversion report) for an `outputFormat` other than adblock, then one `result` or `error`. A client that goes away stops the compile.
 */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(
    args,
    { auth: "optional", scope: "compile", turnstile: true, body: compileBody, maxBodyBytes: MAX_COMPILE_BODY_BYTES },
    ({ principal, body }) => {
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
          stream.send("result", compileResultBody(outcome));
        } catch (error) {
          if (stream.signal.aborted) return;
          // compileForCaller has recorded the failure (an unexpected one with its reason).
          const known = error instanceof ApiError;
          stream.send("error", {
            code: known ? error.code : "internal_error",
            message: known ? error.message : "Something went wrong on our side.",
          });
        } finally {
          await stream.close();
        }
      })();
      args.context.database.keepOpenUntil(work);
      args.context.waitUntil(work);
      return stream.response;
    },
  );
};

export const loader = () => methodNotAllowed(["POST"]);
