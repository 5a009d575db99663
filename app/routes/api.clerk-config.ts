import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";

/** What a client needs to start Clerk. Public: the publishable key is meant to be published. */
export const loader = publicEndpoint(({ context }: LoaderFunctionArgs) =>
  jsonResponse({ publishableKey: context.config.CLERK_PUBLISHABLE_KEY }),
);

export const action = () => methodNotAllowed(["GET"]);
