import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { compileBody } from "~/api/schemas";
import { guard } from "~/services/guard.server";
import { jsonResponse } from "~/services/http.server";

// Compile configurations may carry pre-fetched list content; see docs/decisions/0006.
const MAX_COMPILE_BODY_BYTES = 10 * 1024 * 1024;

/** PLACEHOLDER until the compile API lands (issue 8): the full guard runs, the compile does not. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") throw new Response(null, { status: 405 });
  return guard(
    args,
    { auth: "optional", scope: "compile", turnstile: true, body: compileBody, maxBodyBytes: MAX_COMPILE_BODY_BYTES },
    ({ principal }) =>
      jsonResponse(
        {
          success: false,
          placeholder: true,
          message: "The compiler is not wired to the API yet; the request passed authentication, limits and Turnstile.",
          caller: { kind: principal.kind, tier: principal.tier },
        },
        { status: 501 },
      ),
  );
};
