/**
 * The OpenAPI 3.1 document of the JSON API, generated from the same zod schemas the routes
 * validate with, so the document cannot drift from what the server accepts.
 */
import { z } from "zod";
import packageJson from "../../package.json";
import { EXPLAIN_EXAMPLES_PER_REASON, HOST_LOOKUP_MAX_ENTRIES } from "../compiler";
import { MAX_ACTIVE_JOBS } from "../services/jobs.server";
import {
  endpointWithSecret,
  listDiff,
  listVersion,
  publishedList,
  webhookDelivery,
  webhookEndpoint,
} from "./list-responses";
import {
  asyncBatchCompileBody,
  asyncCompileBody,
  batchCompileBody,
  compileBody,
  createApiKeyBody,
  createListBody,
  createWebhookBody,
  explainQuery,
  listDiffQuery,
  listVersionsQuery,
  MAX_COMPILE_BODY_BYTES,
  outputFormat,
  updateApiKeyBody,
  updateListBody,
} from "./schemas";

type JsonSchema = Record<string, unknown>;

/** Request bodies as clients send them (defaults optional). */
function schemaOf(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ "application/json": { schema } });

const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });

const ERRORS = {
  400: errorResponse("Invalid body, query or configuration; the message names the field."),
  401: errorResponse("Missing, invalid, expired or revoked credentials."),
  403: errorResponse("Missing scope, failed Turnstile check, or cross-site request."),
  404: errorResponse("No such resource (also for resources of other users)."),
  413: errorResponse(
    "Over a size limit: the body (`payload_too_large`), a source (`source_too_large`) or the compile budget (`compile_too_large`, naming the cap).",
  ),
  415: errorResponse("The body is not application/json."),
  422: errorResponse("A source could not be loaded (refused address, HTTP error, unreachable)."),
  429: {
    ...errorResponse("Rate limited, or (`too_many_jobs`) too many queued + running jobs; see Retry-After."),
    headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds until the window resets." } },
  },
  503: errorResponse("A dependency (database, queue, Turnstile verifier) is unavailable; retry later."),
};

const pick = (...statuses: (keyof typeof ERRORS)[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), ERRORS[status]]));

const signedIn = [{ bearer: [] }, { apiKey: [] }, { session: [] }];

const capsByTier = Object.entries(MAX_ACTIVE_JOBS)
  .map(([tier, cap]) => `${tier} ${cap}`)
  .join(", ");
const jobsCap = `Queued + running jobs per user are capped by tier (${capsByTier}); a submission that would go over → 429 \`too_many_jobs\` with Retry-After, nothing queued.`;
const jobsScope = "Scope `jobs:read` (a `compile:async` key holds it too; sessions hold every scope).";
const optionalAuth = [...signedIn, {}];

const compileResult = z.object({
  success: z.literal(true),
  rules: z.array(z.string()).describe("The list, header included, one line per item."),
  ruleCount: z.number().int().describe("Lines that are neither blank nor comments."),
  compiledAt: z.iso.datetime(),
  cached: z.boolean().describe("Served from the 1 h result cache."),
  metrics: z
    .record(z.string(), z.unknown())
    .describe(
      "sources, steps, linesLoaded, lineCount, ruleCount, and formats: per output format rulesRead, rulesWritten, " +
        "and dropped / narrowed / widened by reason, each { count, examples (up to 5) }.",
    ),
  explanation: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      `With \`explain: true\`: id (for GET /api/compile/explain), sources (linesLoaded, linesKept, rulesInList), ` +
        "list (sourceLines, headerLines: what the first list step reads), steps (linesIn, linesOut, removed, added, " +
        `reasons and changes, each { count, examples (up to ${EXPLAIN_EXAMPLES_PER_REASON}) }), warnings ` +
        "(public_suffix, empty_source, unused_exclusion) and traceTruncated. See docs/compiler.md.",
    ),
});

const hostLookup = z.object({
  host: z.string(),
  entries: z
    .array(z.record(z.string(), z.unknown()))
    .describe(
      `Up to ${HOST_LOOKUP_MAX_ENTRIES} removed or changed rules naming the host: rule, original, source, ` +
        "step, scope, and reason / detail / parent (removed) or change / to (changed).",
    ),
  traceTruncated: z
    .boolean()
    .describe("The compile removed more rules than were traced: the answer may be incomplete."),
});

const apiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe("The first characters of the key, to recognise it."),
  scopes: z.array(z.string()),
  rateLimitPerMinute: z.number().int().nullable().describe("The key's own cap; null: the owner's tier limit."),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

const job = z.object({
  id: z.uuid(),
  kind: z.enum(["sync", "stream", "batch", "async"]),
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  priority: z.enum(["standard", "high"]),
  ruleCount: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});

const accepted = z.object({
  requestId: z.uuid(),
  priority: z.enum(["standard", "high"]),
  status: z.literal("queued"),
  location: z.string(),
});

const turnstileHeader = {
  name: "CF-Turnstile-Response",
  in: "header",
  required: false,
  description: "Turnstile token (or `turnstileToken` in the body). Required for browsers; API keys are exempt.",
  schema: { type: "string" },
};

const idParameter = (description: string) => ({
  name: "id",
  in: "path",
  required: true,
  description,
  schema: { type: "string", format: "uuid" },
});

const ok = (description: string, schema: JsonSchema) => ({ description, content: json(schema) });

/** `?outputFormat=`: the same enum as the body field, generated from it. */
const outputFormatParameter = {
  name: "outputFormat",
  in: "query",
  required: false,
  description:
    "The list's format (the body field of the same name may say it instead; both, and different, is a 400). " +
    "Every format but adblock is converted from the compiled list; `metrics.formats` reports what was written " +
    "and what was dropped, by reason. See docs/formats.md.",
  schema: schemaOf(outputFormat.unwrap()),
};

export function buildOpenApiDocument(serverUrl?: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Bloqr API",
      version: packageJson.version,
      description:
        "Compile ad/tracker block lists (AdGuard and hosts formats) from many sources into one clean list, " +
        "written as adblock, hosts, domains, dnsmasq, unbound, RPZ or AdGuard Home rules. " +
        "Errors always have the shape `{ error: { code, message } }`. Rate limits per minute: anonymous 10 (by IP), " +
        "free 60, pro 300, admin unlimited; responses carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.",
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A Clerk session token, or an API key (`bqk_…`).",
        },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "An API key (`bqk_…`)." },
        session: { type: "apiKey", in: "cookie", name: "__session", description: "The browser's Clerk session." },
        adminKey: {
          type: "apiKey",
          in: "header",
          name: "X-Admin-Key",
          description: "The operators' ADMIN_KEY, for /api/admin/* only.",
        },
      },
      schemas: {
        Error: schemaOf(
          z.object({ error: z.object({ code: z.string(), message: z.string() }) }).describe("The one error shape."),
          "output",
        ),
        CompileRequest: schemaOf(compileBody),
        CompileResult: schemaOf(compileResult, "output"),
        ApiKey: schemaOf(apiKey, "output"),
        Job: schemaOf(job, "output"),
        PublishedList: schemaOf(publishedList, "output"),
        ListVersion: schemaOf(listVersion, "output"),
      },
    },
    paths: {
      "/api/health": {
        get: {
          summary: "Liveness and database check",
          responses: {
            200: ok("Healthy.", { type: "object", properties: { status: { const: "ok" }, db: { const: "ok" } } }),
            503: ok("Degraded.", {
              type: "object",
              properties: { status: { const: "degraded" }, db: { const: "down" } },
            }),
          },
        },
      },
      "/api/version": { get: { summary: "Service version", responses: { 200: ok("Version.", { type: "object" }) } } },
      "/api/clerk-config": {
        get: {
          summary: "Clerk publishable key",
          responses: { 200: ok("Config.", { type: "object", properties: { publishableKey: { type: "string" } } }) },
        },
      },
      "/api/turnstile-config": {
        get: {
          summary: "Turnstile site key",
          responses: {
            200: ok("Config.", {
              type: "object",
              properties: { siteKey: { type: "string" }, enabled: { type: "boolean" } },
            }),
          },
        },
      },
      "/api/me": {
        get: {
          summary: "Who the API thinks you are",
          security: signedIn,
          responses: { 200: ok("The caller.", { type: "object" }), ...pick(401, 429) },
        },
      },
      "/api/keys": {
        get: {
          summary: "List your API keys (never the secrets)",
          security: signedIn,
          responses: {
            200: ok("Keys.", { type: "object", properties: { keys: { type: "array", items: ref("ApiKey") } } }),
            ...pick(401, 403, 429),
          },
        },
        post: {
          summary: "Create an API key; the secret is in this response only",
          description:
            "Called with an API key, the new key may not exceed the caller: scopes within its own, `expiresAt` no later and `rateLimitPerMinute` no higher (both required when the caller has them), else 403 `insufficient_scope` / `exceeds_calling_key`.",
          security: signedIn,
          requestBody: { required: true, content: json(schemaOf(createApiKeyBody)) },
          responses: {
            201: ok("Created.", {
              type: "object",
              properties: { key: ref("ApiKey"), secret: { type: "string" }, warning: { type: "string" } },
            }),
            409: errorResponse("25 active keys already."),
            ...pick(400, 401, 403, 413, 415, 429),
          },
        },
      },
      "/api/keys/{id}": {
        parameters: [idParameter("The key's id.")],
        patch: {
          summary: "Rename a key or change its limit",
          description:
            "Called with an API key, `rateLimitPerMinute` may only be set to at most the caller's own limit (so a key can lower its own limit, never lift it), else 403 `exceeds_calling_key`.",
          security: signedIn,
          requestBody: { required: true, content: json(schemaOf(updateApiKeyBody)) },
          responses: {
            200: ok("Updated.", { type: "object", properties: { key: ref("ApiKey") } }),
            ...pick(400, 401, 403, 404, 429),
          },
        },
        delete: {
          summary: "Revoke a key",
          security: signedIn,
          responses: {
            200: ok("Revoked.", { type: "object", properties: { key: ref("ApiKey") } }),
            ...pick(401, 403, 404, 429),
          },
        },
      },
      "/api/compile": {
        post: {
          summary: "Compile one configuration",
          description: `Body up to ${MAX_COMPILE_BODY_BYTES / 1024 / 1024} MB. \`preFetchedContent\` maps a source URL to its text.`,
          security: optionalAuth,
          parameters: [
            turnstileHeader,
            {
              name: "format",
              in: "query",
              required: false,
              description: "`text` answers the list itself as text/plain.",
              schema: { type: "string", enum: ["json", "text"] },
            },
            outputFormatParameter,
          ],
          requestBody: { required: true, content: json(ref("CompileRequest")) },
          responses: {
            200: {
              description: "The compiled list.",
              content: { ...json(ref("CompileResult")), "text/plain": { schema: { type: "string" } } },
            },
            ...pick(400, 401, 403, 413, 415, 422, 429, 503),
          },
        },
      },
      "/api/compile/stream": {
        post: {
          summary: "Compile with progress as Server-Sent Events",
          description:
            "Events: `source_start`, `source_done`, `transformation`, `format` (the conversion report, for an " +
            "`outputFormat` other than adblock), with `explain: true` a `step_explained` after each `transformation` " +
            "and an `explanation` at the end, then `result` (the CompileResult) or `error`.",
          security: optionalAuth,
          parameters: [turnstileHeader, outputFormatParameter],
          requestBody: { required: true, content: json(ref("CompileRequest")) },
          responses: {
            200: { description: "An event stream.", content: { "text/event-stream": { schema: { type: "string" } } } },
            ...pick(400, 401, 403, 413, 415, 429, 503),
          },
        },
      },
      "/api/compile/explain": {
        get: {
          summary: "Why isn't a host in my list? (an explained compile's rules that named it, and what removed them)",
          description: "Reads the explanation of a compile made with `explain: true` while its result is cached (1 h).",
          security: optionalAuth,
          parameters: Object.entries(schemaOf(explainQuery).properties as Record<string, JsonSchema>).map(
            ([name, schema]) => ({ name, in: "query", required: true, description: schema.description, schema }),
          ),
          responses: {
            200: ok("What happened to the rules naming the host.", schemaOf(hostLookup, "output")),
            ...pick(400, 401, 403, 404, 429),
          },
        },
      },
      "/api/compile/batch": {
        post: {
          summary: "Compile up to 10 configurations; each item succeeds or fails on its own",
          security: signedIn,
          parameters: [turnstileHeader],
          requestBody: { required: true, content: json(schemaOf(batchCompileBody)) },
          responses: {
            200: ok("Per-item results.", { type: "object", properties: { results: { type: "array" } } }),
            ...pick(400, 401, 403, 413, 415, 429, 503),
          },
        },
      },
      "/api/compile/async": {
        post: {
          summary: "Queue a compile",
          description: `Scope \`compile:async\`. \`priority: "high"\` is for pro and admin. ${jobsCap}`,
          security: signedIn,
          parameters: [turnstileHeader],
          requestBody: { required: true, content: json(schemaOf(asyncCompileBody)) },
          responses: {
            202: {
              ...ok("Queued.", schemaOf(accepted, "output")),
              headers: { Location: { schema: { type: "string" }, description: "Where the result will be." } },
            },
            ...pick(400, 401, 403, 413, 415, 429, 503),
          },
        },
      },
      "/api/compile/batch/async": {
        post: {
          summary: "Queue up to 100 compiles",
          description: `Scope \`compile:async\`. ${jobsCap}`,
          security: signedIn,
          parameters: [turnstileHeader],
          requestBody: { required: true, content: json(schemaOf(asyncBatchCompileBody)) },
          responses: {
            202: ok("Queued.", { type: "object", properties: { requests: { type: "array" } } }),
            ...pick(400, 401, 403, 413, 415, 429, 503),
          },
        },
      },
      "/api/compile/jobs": {
        get: {
          summary: "Your compiles, newest first",
          description: jobsScope,
          security: signedIn,
          parameters: [
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100 } },
            { name: "cursor", in: "query", required: false, schema: { type: "string" } },
          ],
          responses: {
            200: ok("A page of jobs.", {
              type: "object",
              properties: { jobs: { type: "array", items: ref("Job") }, nextCursor: { type: ["string", "null"] } },
            }),
            ...pick(400, 401, 403, 429),
          },
        },
      },
      "/api/queue/results/{id}": {
        parameters: [idParameter("The requestId of an async compile."), outputFormatParameter],
        get: {
          summary: "A job's status, and its list once it succeeded",
          description: jobsScope,
          security: signedIn,
          responses: { 200: ok("The job.", ref("Job")), ...pick(401, 403, 404, 429) },
        },
      },
      "/api/admin/metrics": {
        get: {
          summary: "Operators' summary: users, API keys, compilations (24 h / 30 d), failed jobs",
          description: "An admin session (not an API key), or `X-Admin-Key` equal to ADMIN_KEY.",
          security: [{ bearer: [] }, { session: [] }, { adminKey: [] }],
          responses: {
            200: ok("The summary.", {
              type: "object",
              properties: {
                users: { type: "object" },
                apiKeys: { type: "object" },
                compilations: { type: "object" },
                failedJobs: { type: "object" },
              },
            }),
            ...pick(401, 403, 429, 503),
          },
        },
      },
      ...listPaths(),
      "/api/webhooks/clerk": {
        post: {
          summary: "Clerk user sync (svix-signed)",
          description: "Called by Clerk. Verified with the svix signature headers; not for clients.",
          responses: {
            200: ok("Processed or ignored.", { type: "object" }),
            400: errorResponse("Missing svix headers or malformed payload."),
            401: errorResponse("Bad signature or stale timestamp."),
            413: errorResponse("Over 256 KB."),
          },
        },
      },
    },
  };
}

/** Query parameters of a zod object schema, as OpenAPI lists them. */
function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const { properties = {}, required = [] } = schemaOf(schema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: required.includes(name),
    schema: property,
    ...(typeof property.description === "string" && { description: property.description }),
  }));
}

/** The published-list endpoints (issue 18); scopes `lists:read` / `lists:write`, others' lists are 404. */
function listPaths() {
  const listScope = (scope: "lists:read" | "lists:write") =>
    `API keys need the \`${scope}\` scope (sessions hold every scope). Someone else's list is 404.`;
  const read = (summary: string, response: JsonSchema, extra: JsonSchema = {}) => ({
    summary,
    description: listScope("lists:read"),
    security: signedIn,
    ...extra,
    responses: { 200: ok("OK.", response), ...pick(400, 401, 403, 404, 429) },
  });
  const write = (summary: string, status: number, response: JsonSchema | null, extra: JsonSchema = {}) => ({
    summary,
    description: listScope("lists:write"),
    security: signedIn,
    ...extra,
    responses: {
      [status]: response ? ok("OK.", response) : { description: "Done." },
      ...pick(400, 401, 403, 404, 429),
    },
  });
  const object = (properties: Record<string, JsonSchema>) => ({ type: "object", properties });
  const oneList = object({ list: ref("PublishedList") });
  const id = idParameter("The list's id.");
  const endpointId = { name: "endpointId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
  return {
    "/api/lists": {
      get: read("Your published lists", object({ lists: { type: "array", items: ref("PublishedList") } })),
      post: write("Publish a configuration as a list", 201, oneList, {
        description: `${listScope("lists:write")} Tier limits: free 3 lists refreshed at most daily, pro 50 at most hourly, admin unlimited (403 \`tier_limit\`); a taken public slug is 409 \`slug_taken\`. The first version comes with the next cron run or a refresh.`,
        requestBody: { required: true, content: json(schemaOf(createListBody)) },
      }),
    },
    "/api/lists/{id}": {
      parameters: [id],
      get: read("One list, with its current version", oneList),
      patch: write("Change a list (a new configuration or format set is compiled at the next run)", 200, oneList, {
        requestBody: { required: true, content: json(schemaOf(updateListBody)) },
      }),
      delete: write("Delete a list, its versions and files; its URLs answer 404", 204, null),
    },
    "/api/lists/{id}/versions": {
      parameters: [id],
      get: read(
        "Versions, newest first",
        object({
          versions: { type: "array", items: ref("ListVersion") },
          currentVersionId: { type: ["string", "null"] },
          nextBefore: { type: ["integer", "null"] },
        }),
        { parameters: queryParameters(listVersionsQuery) },
      ),
    },
    "/api/lists/{id}/versions/{number}/{decision}": {
      parameters: [
        id,
        { name: "number", in: "path", required: true, schema: { type: "integer", minimum: 1 } },
        { name: "decision", in: "path", required: true, schema: { enum: ["publish", "discard"] } },
      ],
      post: write(
        "Publish a held version anyway, or discard it (409 `not_held` otherwise)",
        200,
        object({ version: ref("ListVersion") }),
      ),
    },
    "/api/lists/{id}/diff": {
      parameters: [id],
      get: read("Rules added and removed between two versions, paged", schemaOf(listDiff, "output"), {
        parameters: queryParameters(listDiffQuery),
      }),
    },
    "/api/lists/{id}/refresh": {
      parameters: [id],
      post: write(
        "Refresh now, at high priority (once a minute per list: 429 `refresh_too_soon`)",
        202,
        object({ status: { const: "queued" } }),
      ),
    },
    "/api/lists/{id}/rotate-slug": {
      parameters: [id],
      post: write("A new secret URL for an unlisted list (409 `not_unlisted` for a public one)", 200, oneList),
    },
    "/api/lists/{id}/webhooks": {
      parameters: [id],
      get: read(
        "Webhook endpoints and the delivery log",
        object({
          endpoints: { type: "array", items: schemaOf(webhookEndpoint, "output") },
          deliveries: { type: "array", items: schemaOf(webhookDelivery, "output") },
        }),
      ),
      post: write(
        "Add an HTTPS endpoint for list.updated / list.held / list.failed (Standard Webhooks signatures)",
        201,
        schemaOf(endpointWithSecret, "output"),
        { requestBody: { required: true, content: json(schemaOf(createWebhookBody)) } },
      ),
    },
    "/api/lists/{id}/webhooks/{endpointId}": {
      parameters: [id, endpointId],
      delete: write("Remove an endpoint", 204, null),
    },
    "/api/lists/{id}/webhooks/{endpointId}/rotate-secret": {
      parameters: [id, endpointId],
      post: write("A new signing secret, shown once", 200, schemaOf(endpointWithSecret, "output")),
    },
  };
}
