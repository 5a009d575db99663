import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { jsonResponse } from "~/services/http.server";
import packageJson from "../../package.json";

export function loader({ context }: LoaderFunctionArgs) {
  return jsonResponse({ name: "bloqr", version: packageJson.version, environment: context.config.ENVIRONMENT });
}
