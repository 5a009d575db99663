/**
 * One API operation as its route declares it, beside its code (the Unkey pattern): the guard
 * options the route passes to `guard` (from which the security, scopes, Turnstile header, request
 * body and the pipeline's own error statuses follow), its query, and the responses it sends.
 * `openapi.ts` only assembles these, so the document says what the code enforces.
 */
import { z } from "zod";
import type { GuardOptions } from "~/services/guard.server";
import type { ErrorStatus } from "~/services/http.server";
import { itemConfiguration, MAX_JSON_BODY_BYTES } from "./schemas";

type JsonSchema = Record<string, unknown>;
type Method = "get" | "post" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  /** An `application/json` body. */
  json?: z.ZodType;
  /** A `text/plain` body. */
  text?: true;
  /** A `text/event-stream`: each event's name and the schema of its JSON data. */
  events?: Record<string, z.ZodType>;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface OperationSpec {
  method: Method;
  /** The path as OpenAPI writes it: `/api/keys/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** The options the route hands to `guard`; absent for public routes, which read no credential. */
  guard?: GuardOptions<unknown>;
  query?: z.ZodObject;
  pathParameters?: Record<string, string>;
  /** Request headers the route requires, by their description. */
  requiredHeaders?: Record<string, string>;
  /** The JSON body of a route that reads it itself (a guarded route's is its guard's `body`). */
  body?: z.ZodType;
  /** The route's own answers: a spec, or for an error status the description of its `{ error }` answer. */
  responses: Partial<Record<number, ResponseSpec | string>>;
}

export interface Operation {
  method: Method;
  path: string;
  /** The operation object of the document; its schemas refer to `components` by `$ref`. */
  build(components: Record<string, JsonSchema>): JsonSchema;
}

const ERROR_STATUS_TEXT = {
  400: "Bad request",
  401: "Not signed in",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Too large",
  415: "Not JSON",
  422: "Unprocessable",
  429: "Rate limited",
  500: "Internal error",
  503: "Unavailable",
} satisfies Record<ErrorStatus, string>;

/** What the guard itself answers, by the options a route gives it. */
function guardResponses(guard: GuardOptions<unknown>, method: Method): Partial<Record<ErrorStatus, string>> {
  const forbidden = [
    method !== "get" && "`csrf_failed`: a cookie-authenticated write that is not same-origin",
    guard.scope && `\`insufficient_scope\`: an API key without the \`${guard.scope}\` scope`,
    guard.role && "`insufficient_role`: not an administrator (API keys never are)",
    guard.turnstile && "a failed Turnstile check (browsers and anonymous callers)",
  ].filter(Boolean);
  const unavailable = [
    "the database cannot be reached (`Retry-After`)",
    (guard.auth === "optional" || guard.adminKey) && "the rate limiter's store is down (`Retry-After`)",
    guard.turnstile && "the Turnstile verifier is down",
  ].filter(Boolean);
  return {
    400: [
      "`credentials_in_query`: a credential in the query string",
      guard.body && "`invalid_json` / `invalid_request`: the body (the message names the field)",
    ]
      .filter(Boolean)
      .join("; "),
    401: "missing, invalid, expired or revoked credentials",
    ...(forbidden.length > 0 && { 403: forbidden.join("; ") }),
    ...(guard.body && {
      413: `\`payload_too_large\`: the body is over ${guard.maxBodyBytes ?? MAX_JSON_BODY_BYTES} bytes`,
      415: "the body is not `application/json`",
    }),
    429: "over the rate limit (see the `RateLimit-*` headers and `Retry-After`)",
    503: unavailable.join("; "),
  };
}

const SESSION_SCHEMES = ["bearer", "session"] as const;

function securityOf(guard: GuardOptions<unknown> | undefined) {
  if (!guard) return [];
  if (guard.adminKey) return [...SESSION_SCHEMES.map((scheme) => ({ [scheme]: [] })), { adminKey: [] }];
  // OpenAPI 3.1 lets a non-OAuth requirement list roles: here the API-key scope the endpoint needs.
  const scopes = guard.scope ? [guard.scope] : [];
  const requirements: Record<string, string[]>[] = [{ bearer: scopes }, { apiKey: scopes }, { session: [] }];
  return guard.auth === "optional" ? [...requirements, {}] : requirements;
}

const scopeSentence = (guard: GuardOptions<unknown> | undefined) =>
  guard?.scope ? `API keys need the \`${guard.scope}\` scope (sessions hold every scope).` : undefined;

const RATE_LIMIT_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] as const;

/** The limit headers every guarded operation may send, and the wait a 429 or 503 asks for. */
const RESPONSE_HEADERS = {
  "RateLimit-Limit": {
    description: "Requests allowed in the current window (absent for the unlimited admin tier).",
    schema: { type: "integer" },
  },
  "RateLimit-Remaining": { description: "Requests left in the current window.", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the window resets.", schema: { type: "integer" } },
  "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } },
};

/** The document's JSON Schema of a zod schema; named parts (`.meta({ id })`) go to `components`. */
function documentSchema(schema: z.ZodType, io: "input" | "output", components: Record<string, JsonSchema>): JsonSchema {
  const {
    $schema: _dialect,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    // A batch item's configuration is checked by its own compile (so one bad item fails alone); its shape is the compiler's.
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === itemConfiguration) jsonSchema.$ref = "#/components/schemas/Configuration";
    },
  }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  for (const [name, definition] of Object.entries($defs ?? {})) {
    const inDocument = toComponentRefs(definition);
    const existing = components[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(inDocument)) {
      throw new Error(`Two different schemas are named ${name} in the API document.`);
    }
    components[name] = inDocument;
  }
  return toComponentRefs(rest);
}

const toComponentRefs = (schema: JsonSchema): JsonSchema =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/'));

const errorContent = (components: Record<string, JsonSchema>) => ({
  "application/json": { schema: documentSchema(errorBody, "output", components) },
});

/** The one error shape, `{ error: { code, message } }`. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe("Stable and machine-readable: `not_found`, `insufficient_scope`, …"),
      message: z.string().describe("For people; may change."),
    }),
  })
  .meta({ id: "Error", description: "The one error shape." });

function buildResponse(
  status: number,
  spec: ResponseSpec | string,
  guarded: boolean,
  components: Record<string, JsonSchema>,
): JsonSchema {
  const headers: Record<string, unknown> = {};
  // Inline, not by $ref: generated clients then see them as optional, which they are.
  if (guarded) for (const name of RATE_LIMIT_HEADERS) headers[name] = RESPONSE_HEADERS[name];
  if (status === 429 || status === 503) headers["Retry-After"] = RESPONSE_HEADERS["Retry-After"];
  if (typeof spec === "string") {
    return { description: spec, headers, content: errorContent(components) };
  }
  Object.assign(headers, spec.headers);
  const content: Record<string, unknown> = {};
  if (spec.json) content["application/json"] = { schema: documentSchema(spec.json, "output", components) };
  if (spec.text) content["text/plain"] = { schema: { type: "string" } };
  if (spec.events) {
    content["text/event-stream"] = {
      schema: { type: "string" },
      // OpenAPI 3.1 cannot type the events of a stream: each event's `data` (JSON) by its name.
      "x-events": Object.fromEntries(
        Object.entries(spec.events).map(([name, data]) => [name, documentSchema(data, "output", components)]),
      ),
    };
  }
  return { description: spec.description, headers, content };
}

export function defineOperation(spec: OperationSpec): Operation {
  return {
    method: spec.method,
    path: spec.path,
    build(components) {
      const { guard } = spec;
      const parameters: JsonSchema[] = [];
      for (const [name, description] of Object.entries(spec.pathParameters ?? {})) {
        parameters.push({ name, in: "path", required: true, description, schema: { type: "string" } });
      }
      for (const [name, field] of Object.entries(spec.query?.shape ?? {})) {
        const schema = documentSchema(field as z.ZodType, "input", components);
        const { description, ...rest } = schema;
        const required = !(field as z.ZodType).safeParse(undefined).success;
        parameters.push({ name, in: "query", required, description, schema: rest });
      }
      for (const [name, description] of Object.entries(spec.requiredHeaders ?? {})) {
        parameters.push({ name, in: "header", required: true, description, schema: { type: "string" } });
      }
      if (guard?.turnstile) {
        parameters.push({
          name: "CF-Turnstile-Response",
          in: "header",
          required: false,
          description:
            "Turnstile token (or `turnstileToken` in the body): browsers and anonymous callers; API keys are exempt.",
          schema: { type: "string" },
        });
      }
      const statuses: Record<number, ResponseSpec | string> = {};
      const implied: Partial<Record<number, string>> = guard ? guardResponses(guard, spec.method) : {};
      for (const [status, description] of Object.entries(implied)) statuses[Number(status)] = description as string;
      for (const [status, response] of Object.entries(spec.responses)) {
        const already = implied[Number(status)];
        statuses[Number(status)] =
          typeof response === "string" && already ? `${already}; ${response}` : (response as ResponseSpec | string);
      }
      statuses[500] ??= "`internal_error`: something went wrong on our side (no details)";
      const responses = Object.fromEntries(
        Object.entries(statuses).map(([status, response]) => {
          const built = buildResponse(Number(status), response, guard !== undefined, components);
          if (typeof response === "string") built.description = `${statusText(Number(status))}: ${response}.`;
          return [status, built];
        }),
      );
      const description = [spec.description, scopeSentence(guard)].filter(Boolean).join(" ");
      const body = guard?.body ?? spec.body;
      return {
        operationId: spec.operationId,
        summary: spec.summary,
        ...(description && { description }),
        security: securityOf(guard),
        ...(parameters.length > 0 && { parameters }),
        ...(body && {
          requestBody: {
            required: true,
            content: { "application/json": { schema: documentSchema(body, "input", components) } },
          },
        }),
        responses,
      };
    },
  };
}

const statusText = (status: number) => ERROR_STATUS_TEXT[status as ErrorStatus] ?? String(status);
