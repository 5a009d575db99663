import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";
import packageJson from "../../package.json";

export const loader = publicEndpoint(({ context }: LoaderFunctionArgs) =>
  jsonResponse({ name: "bloqr", version: packageJson.version, environment: context.config.ENVIRONMENT }),
);

export const action = () => methodNotAllowed(["GET"]);
