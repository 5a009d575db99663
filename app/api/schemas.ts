/** Request bodies of the JSON API, shared by the routes and the OpenAPI document. */
import { z } from "zod";
import { API_KEY_SCOPES } from "~/db/schema";

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
  .strictObject({ name: keyName.optional(), rateLimitPerMinute: keyLimit.optional() })
  .refine((body) => body.name !== undefined || body.rateLimitPerMinute !== undefined, "nothing to change");

export const compileBody = z.strictObject({
  configuration: z.unknown(),
  preFetchedContent: z.record(z.string(), z.string()).optional(),
  turnstileToken: z.string().optional(),
});
