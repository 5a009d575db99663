/** Request bodies of the JSON API, shared by the routes and the OpenAPI document. */
import { z } from "zod";
import { OUTPUT_FORMATS } from "~/compiler";
import { API_KEY_SCOPES, PRIORITIES } from "~/db/schema";

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
 * The configuration itself is checked by the compiler's parseConfiguration, which names the path;
 * the document shows the compiler's schema in its place.
 */
export const configuration = z
  .unknown()
  .refine((value) => value !== undefined, "required")
  .meta({ id: "Configuration" });
/** Source URL → list text, used instead of fetching that source. */
const preFetchedContent = z.record(z.string(), z.string()).optional();
const turnstileToken = z.string().optional();
const priority = z.enum(PRIORITIES).default("standard");
/** The format of the list in the answer; the compile (and its cache entry) is the same for all. */
export const outputFormat = z
  .enum(OUTPUT_FORMATS)
  .optional()
  .describe("The list's format: adblock (the default), hosts, domains, dnsmasq, unbound, rpz or adguard-home.");

export const compileBody = z
  .strictObject({ configuration, preFetchedContent, turnstileToken, outputFormat })
  .meta({ id: "CompileRequest" });

export const asyncCompileBody = z.strictObject({ configuration, preFetchedContent, turnstileToken, priority });

const batchItem = z.strictObject({ id: z.string().min(1).max(64), configuration, preFetchedContent, outputFormat });

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

export const jobListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
