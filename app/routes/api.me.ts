import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { API_KEY_SCOPES, ROLES, TIERS } from "~/domain";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";

const options = {} satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/me",
    operationId: "getMe",
    summary: "Who the API thinks you are: useful to check a token or key",
    guard: options,
    responses: {
      200: {
        description: "The caller.",
        json: z.object({
          kind: z.enum(["session", "apiKey"]),
          tier: z.enum(TIERS),
          role: z.enum(ROLES),
          email: z.string().nullable(),
          clerkUserId: z.string().nullable(),
          scopes: z.array(z.enum(API_KEY_SCOPES)).describe("A session holds every scope."),
        }),
      },
    },
  }),
];

/** Who the API thinks you are: useful to check a token or key. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, options, ({ principal }) =>
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
