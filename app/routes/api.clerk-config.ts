import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/clerk-config",
    operationId: "getClerkConfig",
    summary: "What a client needs to start Clerk",
    responses: { 200: { description: "The config.", json: z.object({ publishableKey: z.string() }) } },
  }),
];

/** What a client needs to start Clerk. Public: the publishable key is meant to be published. */
export const loader = publicEndpoint(({ context }: LoaderFunctionArgs) =>
  jsonResponse({ publishableKey: context.config.CLERK_PUBLISHABLE_KEY }),
);

export const action = () => methodNotAllowed(["GET"]);
