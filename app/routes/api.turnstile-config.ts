import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { jsonResponse } from "~/services/http.server";

/** What the browser needs to render the Turnstile widget. Public: the site key is not a secret. */
export const loader = ({ context }: LoaderFunctionArgs) =>
  jsonResponse({ siteKey: context.config.TURNSTILE_SITE_KEY, enabled: true });
