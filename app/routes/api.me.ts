import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";

/** Who the API thinks you are: useful to check a token or key. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, {}, ({ principal }) =>
    jsonResponse({
      kind: principal.kind,
      tier: principal.tier,
      role: principal.role,
      email: principal.email ?? null,
      clerkUserId: principal.clerkUserId ?? null,
      scopes: principal.scopes,
    }),
  );

export const action = () => methodNotAllowed(["GET"]);
