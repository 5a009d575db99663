import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { buildOpenApiDocument } from "~/api/openapi";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";

/** The OpenAPI 3.1 document of this API, assembled from the operations the routes declare (app/api/openapi.ts). */
export const loader = publicEndpoint(({ request }: LoaderFunctionArgs) =>
  jsonResponse(buildOpenApiDocument(new URL(request.url).origin)),
);

export const action = () => methodNotAllowed(["GET"]);
