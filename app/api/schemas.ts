/** Request bodies of the JSON API, shared by the routes and the OpenAPI document. */
import { z } from "zod";
import { configurationSchema, OUTPUT_FORMATS } from "~/compiler";
import { API_KEY_SCOPES, LIST_SLUG_PATTERN, LIST_VISIBILITIES, PRIORITIES } from "~/db/schema";

export const KEY_NAME_MAX = 64;

const keyName = z.string().trim().min(1, "must not be empty").max(KEY_NAME_MAX, `at most ${KEY_NAME_MAX} characters`);
const keyLimit = z.number().int().min(1);

export const createApiKeyBody = z.strictObject({
  name: keyName,
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1)
    .default(["compile"])
    .transform((scopes) => [...new Set(scopes)]),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  rateLimitPerMinute: keyLimit.optional(),
});

export const updateApiKeyBody = z
  .strictObject({ name: keyName.optional(), rateLimitPerMinute: keyLimit.nullable().optional() })
  .refine((body) => body.name !== undefined || body.rateLimitPerMinute !== undefined, "nothing to change");

// JSON bodies are configurations and key settings; 1 MB is far above any honest one. Compile
// bodies may carry the lists themselves (preFetchedContent), so they get 10 MB.
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
export const MAX_COMPILE_BODY_BYTES = 10 * 1024 * 1024;
export const MAX_BATCH_ITEMS = 10;
export const MAX_ASYNC_BATCH_ITEMS = 100;

/**
 * A batch item's configuration is parsed by its own compile (compilations.server.ts
 * `parseCompileRequest`), so one bad item fails alone and names its id.
 */
export const itemConfiguration = z.unknown().refine((value) => value !== undefined, "required");
/** Source URL → list text, used instead of fetching that source. */
const preFetchedContent = z.record(z.string(), z.string()).optional();
const turnstileToken = z.string().optional();
const priority = z.enum(PRIORITIES).default("standard");
/** The format of the list in the answer; the compile (and its cache entry) is the same for all. */
export const outputFormat = z
  .enum(OUTPUT_FORMATS)
  .optional()
  .describe("The list's format: adblock (the default), hosts, domains, dnsmasq, unbound, rpz or adguard-home.");

const explain = z
  .boolean()
  .optional()
  .describe(
    "Explain the compile: per source and step, lines in and out and the removed rules by reason (with examples), " +
      "warnings, and an `id` for GET /api/compile/explain. The stream sends `step_explained` and `explanation` events.",
  );

// The compiler's own schema: the guard validates the configuration once and the compile receives it parsed.
// The API document lists it once, as the component Configuration.
z.globalRegistry.add(configurationSchema, { id: "Configuration" });
export const compileBody = z
  .strictObject({ configuration: configurationSchema, preFetchedContent, turnstileToken, outputFormat, explain })
  .meta({ id: "CompileRequest" });

export const asyncCompileBody = z.strictObject({
  configuration: configurationSchema,
  preFetchedContent,
  turnstileToken,
  priority,
  explain: explain.describe(
    "Explain the compile: the job's page shows the explanation and `GET /api/compile/explain?id={requestId}` " +
      "looks hosts up in it while the result is kept.",
  ),
});

const batchItem = z.strictObject({
  id: z.string().min(1).max(64),
  configuration: itemConfiguration,
  preFetchedContent,
  outputFormat,
});

const uniqueIds = (items: { id: string }[]) => new Set(items.map((item) => item.id)).size === items.length;

const batchItems = (max: number) =>
  z
    .array(batchItem)
    .min(1)
    .max(max, `at most ${max} configurations per batch`)
    .refine(uniqueIds, "item ids must be unique");

export const batchCompileBody = z.strictObject({ items: batchItems(MAX_BATCH_ITEMS), turnstileToken });

export const asyncBatchCompileBody = z.strictObject({
  items: batchItems(MAX_ASYNC_BATCH_ITEMS),
  turnstileToken,
  priority,
});

export const compileQuery = z.strictObject({ format: z.enum(["json", "text"]).default("json"), outputFormat });

/** `?outputFormat=` where a list comes out of a GET or a stream. */
export const outputFormatQuery = z.strictObject({ outputFormat });

/** A hostname, or what someone would type for one: what /api/compile/explain looks up. */
export const MAX_HOSTNAME_LENGTH = 253;

export const explainQuery = z.strictObject({
  id: z
    .union([z.string().regex(/^[0-9a-f]{64}$/), z.uuid().describe("An async job's `requestId` (its owner only).")], {
      error: "must be an explanation's id (64 hexadecimal characters) or a job's id",
    })
    .describe(
      "`explanation.id` of an explained compile (kept for an hour), or the `requestId` of a job submitted with " +
        "`explain: true` (kept as long as its result, 7 days; its owner only).",
    ),
  host: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "must not be empty")
    .max(MAX_HOSTNAME_LENGTH, `at most ${MAX_HOSTNAME_LENGTH} characters`)
    .regex(/^[a-z0-9.*_-]+$/, "must be a hostname such as ads.example.com")
    .describe("The host to look for, e.g. ads.example.com."),
});

export const jobListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

// —— published lists ————————————————————————————————————————————————————————————————

export const LIST_NAME_MAX = 100;
const listName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(LIST_NAME_MAX, `at most ${LIST_NAME_MAX} characters`);
const listFormats = z
  .array(z.enum(OUTPUT_FORMATS))
  .min(1, "at least one format")
  .describe("The formats the list is served in, one subscribe URL each.");
const refreshMinutes = z
  .number()
  .int()
  .min(5)
  .max(7 * 24 * 60)
  .describe("Minutes between refreshes; the tier's minimum when absent (free 1440, pro 60, admin 5).");
const shrinkThresholdPct = z
  .number()
  .int()
  .min(1)
  .max(100)
  .describe("A new version that would remove more than this share of the rules is held (default 50).");

export const createListBody = z.strictObject({
  name: listName,
  configuration: configurationSchema,
  formats: listFormats.default(["adblock"]),
  refreshMinutes: refreshMinutes.optional(),
  shrinkThresholdPct: shrinkThresholdPct.optional(),
  visibility: z
    .enum(LIST_VISIBILITIES)
    .default("unlisted")
    .describe("unlisted: an unguessable 128-bit slug (a capability URL); public: the slug you choose."),
  slug: z
    .string()
    .regex(LIST_SLUG_PATTERN, "3–63 lowercase letters, digits or hyphens, starting with a letter or digit")
    .optional()
    .describe("Required for a public list."),
});

export const updateListBody = z
  .strictObject({
    name: listName.optional(),
    configuration: z.optional(configurationSchema),
    formats: listFormats.optional(),
    refreshMinutes: refreshMinutes.optional(),
    shrinkThresholdPct: shrinkThresholdPct.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), "nothing to change");

export const createWebhookBody = z.strictObject({
  url: z.string().max(2048).describe("An https URL that passes the same address rules as compile sources."),
});

export const listVersionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Versions numbered below this (the previous page's nextBefore)."),
});

export const listDiffQuery = z.strictObject({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
