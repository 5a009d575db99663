/**
 * The JSON body of an API request, read once: capped in size (413), `application/json` only (415),
 * valid JSON (400 `invalid_json`), and validated by the route's schema — whose `configuration`,
 * where a body carries one, is the compiler's own schema, so the compile receives it parsed.
 */
import type { z } from "zod";
import { MAX_JSON_BODY_BYTES } from "~/api/schemas";
import { configurationError } from "~/compiler";
import { explainCompileError } from "./compile-errors.server";
import { ApiError, describeIssues, readBodyText } from "./http.server";

// Where the compile bodies carry the compiler's configuration (app/api/schemas.ts).
const CONFIGURATION_KEY = "configuration";

export async function readJsonBody<Body>(request: Request, schema: z.ZodType<Body>, maxBytes = MAX_JSON_BODY_BYTES) {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new ApiError(415, "Send the body as JSON with Content-Type: application/json.");
  }
  const text = await readBodyText(request, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, "The body is not valid JSON.", { code: "invalid_json" });
  }
  // The input in each issue lets the compiler's describer say what was received.
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw bodyError(parsed.error);
  return parsed.data;
}

/**
 * A bad body is a 400 `invalid_request` naming the fields; when only its configuration is wrong, the
 * compiler's `invalid_configuration` naming the path inside it (as a batch item's compile says it).
 */
function bodyError(error: z.ZodError): unknown {
  const inConfiguration = (issue: z.core.$ZodIssue) =>
    issue.path[0] === CONFIGURATION_KEY && !(issue.path.length === 1 && issue.input === undefined);
  const requestIssues = error.issues.filter((issue) => !inConfiguration(issue));
  if (requestIssues.length > 0) {
    const described = requestIssues.map((issue) =>
      issue.path.length === 1 && issue.path[0] === CONFIGURATION_KEY ? { ...issue, message: "required" } : issue,
    );
    return new ApiError(400, describeIssues({ issues: described }), { code: "invalid_request" });
  }
  return explainCompileError(configurationError(error.issues, [CONFIGURATION_KEY]));
}
