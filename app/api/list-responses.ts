/** What the published-list endpoints answer, for the OpenAPI document (the routes' shapes, in zod). */
import { z } from "zod";
import { LIST_CHECK_OUTCOMES, LIST_VERSION_STATUSES, LIST_VISIBILITIES, LIST_WEBHOOK_EVENTS } from "~/domain";

const sourceStatus = z.object({
  url: z.string(),
  status: z.enum(["fetched", "not_modified", "failed"]),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  sha256: z.string().optional(),
  error: z.string().optional(),
});

export const listVersion = z
  .object({
    number: z.number().int(),
    status: z.enum(LIST_VERSION_STATUSES),
    ruleCount: z.number().int(),
    added: z.number().int().describe("Rules not in the version published before it."),
    removed: z.number().int(),
    reason: z.string().nullable().describe("Why a version was held."),
    contentHashes: z.record(z.string(), z.string()).describe("Per format: the SHA-256 of the served file (its ETag)."),
    sources: z.array(sourceStatus),
    createdAt: z.iso.datetime(),
    publishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ListVersion" });

export const publishedList = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    visibility: z.enum(LIST_VISIBILITIES),
    configuration: z.unknown(),
    formats: z.array(z.string()),
    refreshMinutes: z.number().int(),
    shrinkThresholdPct: z.number().int(),
    urls: z.record(z.string(), z.string()).describe("The subscribe URL of each format."),
    currentVersion: listVersion.nullable(),
    nextRunAt: z.iso.datetime(),
    lastCheckedAt: z.iso.datetime().nullable(),
    lastCheckOutcome: z.enum(LIST_CHECK_OUTCOMES).nullable(),
    lastError: z.string().nullable(),
    checks: z.number().int().describe("Refreshes run, including those that found nothing new."),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "PublishedList" });

export const listDiff = z.object({
  from: z.number().int(),
  to: z.number().int(),
  addedCount: z.number().int(),
  removedCount: z.number().int(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  offset: z.number().int(),
  nextOffset: z.number().int().nullable(),
});

export const webhookEndpoint = z.object({
  id: z.uuid(),
  url: z.string(),
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
});

export const webhookDelivery = z.object({
  id: z.uuid(),
  eventId: z.string().describe("The webhook-id header; the same on every retry."),
  type: z.enum(LIST_WEBHOOK_EVENTS),
  url: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
});

export const endpointWithSecret = z.object({
  endpoint: webhookEndpoint,
  secret: z.string().describe("The signing secret (`whsec_…`): in this response only."),
  warning: z.string(),
});

/** What every list operation says of its path: the list's id, and someone else's list is not found. */
export const listParameter = { id: "The list's id." };
export const endpointParameters = { ...listParameter, endpointId: "The webhook endpoint's id." };
export const noSuchList = "no such list (also for other users' lists)";
export const oneList = z.object({ list: publishedList });
