import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";

/** What the browser needs to render the Turnstile widget. Public: the site key is not a secret. */
export const loader = publicEndpoint(({ context }: LoaderFunctionArgs) =>
  jsonResponse({ siteKey: context.config.TURNSTILE_SITE_KEY, enabled: true }),
);

export const action = () => methodNotAllowed(["GET"]);
