import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/turnstile-config",
    operationId: "getTurnstileConfig",
    summary: "What a browser needs to render the Turnstile widget",
    responses: {
      200: { description: "The config.", json: z.object({ siteKey: z.string(), enabled: z.boolean() }) },
    },
  }),
];

/** What the browser needs to render the Turnstile widget. Public: the site key is not a secret. */
export const loader = publicEndpoint(({ context }: LoaderFunctionArgs) =>
  jsonResponse({ siteKey: context.config.TURNSTILE_SITE_KEY, enabled: true }),
);

export const action = () => methodNotAllowed(["GET"]);
