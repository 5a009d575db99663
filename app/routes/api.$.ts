import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { jsonError } from "~/services/http.server";

/** Any /api/* path no route claims: JSON 404, whatever the method. */
const notFound = ({ request }: LoaderFunctionArgs | ActionFunctionArgs) =>
  jsonError(404, `No API endpoint at ${new URL(request.url).pathname}.`);

export const loader = notFound;
export const action = notFound;
