import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";
import packageJson from "../../package.json";

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/version",
    operationId: "getVersion",
    summary: "Service version",
    responses: {
      200: {
        description: "The version.",
        json: z.object({
          name: z.literal("bloqr"),
          version: z.string(),
          environment: z.string().describe("development, test or production."),
        }),
      },
    },
  }),
];

export const loader = publicEndpoint(({ context }: LoaderFunctionArgs) =>
  jsonResponse({ name: "bloqr", version: packageJson.version, environment: context.config.ENVIRONMENT }),
);

export const action = () => methodNotAllowed(["GET"]);
