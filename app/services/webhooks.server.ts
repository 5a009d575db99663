/**
 * Clerk → Bloqr user sync (ARCHITECTURE §6). Svix's signature proves Clerk sent the event; its
 * `svix-id` makes a redelivery a no-op; Clerk's `updated_at` orders updates that arrive out of
 * order; a tombstone keeps a deleted user deleted.
 */
import { Webhook, WebhookVerificationError } from "svix";
import { z } from "zod";
import { webhookEvents } from "~/db/schema";
import type { WebhookOutcome } from "~/domain";
import type { Analytics } from "./analytics.server";
import type { Database } from "./db.server";
import { ApiError, readBodyText } from "./http.server";
import { forgetUser } from "./principal-cache.server";
import { applyClerkUser, type ClerkUserSnapshot, clerkPublicMetadata, deleteClerkUser } from "./users.server";

// Clerk's user events are a few KB; the cap bounds what an unauthenticated caller can make us read.
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

const MAX_DATE_MS = 8.64e15;

// Postgres text cannot hold NUL: display text loses it rather than failing (and Svix retrying) the event.
// Ids and addresses are never altered: one that cannot be stored rejects the event instead.
const displayText = z.string().transform((text) => text.replaceAll("\u0000", ""));
// SQLSTATE class 22 (data exception): the data itself is refused, so a redelivery fails the same way.
const DATA_EXCEPTION_CLASS = "22";

const clerkUser = z.object({
  id: z.string().min(1),
  email_addresses: z.array(z.object({ id: z.string(), email_address: z.string() })).default([]),
  primary_email_address_id: z.string().nullish(),
  first_name: displayText.nullish(),
  last_name: displayText.nullish(),
  image_url: displayText.nullish(),
  public_metadata: clerkPublicMetadata,
  // Milliseconds since the epoch; beyond JavaScript's Date range it is no time at all.
  updated_at: z.number().int().nonnegative().max(MAX_DATE_MS),
});

const clerkEvent = z.discriminatedUnion("type", [
  z.object({ type: z.enum(["user.created", "user.updated"]), data: clerkUser }),
  z.object({ type: z.literal("user.deleted"), data: z.object({ id: z.string().min(1) }) }),
]);

type ClerkEvent = z.infer<typeof clerkEvent>;
const HANDLED_TYPES = new Set<string>(["user.created", "user.updated", "user.deleted"]);

interface SvixHeaders {
  "svix-id": string;
  "svix-timestamp": string;
  "svix-signature": string;
}

function readSvixHeaders(request: Request): SvixHeaders {
  const id = request.headers.get("svix-id");
  const timestamp = request.headers.get("svix-timestamp");
  const signature = request.headers.get("svix-signature");
  if (!id || !timestamp || !signature) {
    throw new ApiError(400, "The svix-id, svix-timestamp and svix-signature headers are required.");
  }
  return { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": signature };
}

async function readBody(request: Request): Promise<string> {
  try {
    return await readBodyText(request, MAX_WEBHOOK_BODY_BYTES);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, "The request body could not be read.");
  }
}

/** Svix compares signatures in constant time and refuses timestamps more than 5 minutes off. */
function verifySignature(secret: string, body: string, headers: SvixHeaders) {
  const webhook = new Webhook(secret);
  try {
    webhook.verify(body, headers);
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      throw new ApiError(401, "The webhook signature or timestamp is not valid.");
    }
    throw error;
  }
}

/** The event's type, and the event itself when it is one we handle (null otherwise); malformed → 400. */
function parseEvent(body: string): { type: string; event: ClerkEvent | null } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ApiError(400, "The payload is not JSON.");
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== "string") throw new ApiError(400, "The payload has no event type.");
  if (!HANDLED_TYPES.has(type)) return { type, event: null };
  const parsed = clerkEvent.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new ApiError(400, `Malformed ${type} event: ${issue.path.join(".")}: ${issue.message}`);
  }
  return { type, event: parsed.data };
}

function snapshotOf(user: z.infer<typeof clerkUser>): ClerkUserSnapshot {
  const primary = user.email_addresses.find((address) => address.id === user.primary_email_address_id);
  return {
    clerkUserId: user.id,
    email: primary?.email_address ?? null,
    firstName: user.first_name ?? null,
    lastName: user.last_name ?? null,
    imageUrl: user.image_url ?? null,
    tier: user.public_metadata.tier,
    role: user.public_metadata.role,
    clerkUpdatedAt: new Date(user.updated_at),
  };
}

/** Records the delivery and applies its effect in one transaction: both happen, or neither. */
async function recordAndApply(db: Database, svixId: string, event: ClerkEvent): Promise<WebhookOutcome> {
  return db.transaction(async (tx) => {
    const recorded = await tx
      .insert(webhookEvents)
      .values({ svixId, type: event.type })
      .onConflictDoNothing()
      .returning({ svixId: webhookEvents.svixId });
    if (recorded.length === 0) return "duplicate";
    if (event.type === "user.deleted") {
      await deleteClerkUser(tx, event.data.id);
      return "applied";
    }
    return applyClerkUser(tx, snapshotOf(event.data));
  });
}

/** The Postgres error code (e.g. 23505), if any: query errors carry parameters, which are PII. */
function databaseErrorCode(error: unknown): string | undefined {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

interface Delivery {
  svixId: string;
  type: string;
  outcome: WebhookOutcome;
}

interface WebhookDependencies {
  secret: string;
  db: Database;
  analytics: Analytics;
}

async function handleDelivery(request: Request, { secret, db, analytics }: WebhookDependencies): Promise<Delivery> {
  const headers = readSvixHeaders(request);
  const body = await readBody(request);
  verifySignature(secret, body, headers);
  const svixId = headers["svix-id"];
  const { type, event } = parseEvent(body);
  if (!event) return { svixId, type, outcome: "ignored" };
  try {
    const outcome = await storeDelivery(db, svixId, event);
    // After the commit: a request in between would cache the old row again.
    forgetUser({ clerkUserId: event.data.id });
    return { svixId, type, outcome };
  } catch (error) {
    analytics.record({ type: "webhook", outcome: "failed", id: svixId, subject: type, code: databaseErrorCode(error) });
    throw new ApiError(500, "The event could not be stored; Clerk will deliver it again.");
  }
}

/** Applies the event; data Postgres refuses is recorded as rejected instead (a retry would fail the same way). */
async function storeDelivery(db: Database, svixId: string, event: ClerkEvent): Promise<WebhookOutcome> {
  try {
    return await recordAndApply(db, svixId, event);
  } catch (error) {
    const code = databaseErrorCode(error);
    if (!code?.startsWith(DATA_EXCEPTION_CLASS)) throw error;
    // Recorded with the refusal's code: its redeliveries are duplicates, and an operator can find and replay it.
    const recorded = await db
      .insert(webhookEvents)
      .values({ svixId, type: event.type, rejectedCode: code })
      .onConflictDoNothing()
      .returning({ svixId: webhookEvents.svixId });
    return recorded.length === 0 ? "duplicate" : "rejected";
  }
}

/**
 * Handles one delivery of Clerk's webhook. Throws ApiError: 400 missing headers or a
 * malformed event, 401 a bad signature or a timestamp more than 5 minutes off, 413 too large,
 * 500 storage failed for a reason a retry may cure (Svix retries). Data Postgres refuses is
 * `rejected` (200), never a 500. Logs the outcome, never the body or the secret.
 */
export async function receiveClerkWebhook(request: Request, deps: WebhookDependencies): Promise<Delivery> {
  try {
    const delivery = await handleDelivery(request, deps);
    deps.analytics.record({ type: "webhook", outcome: delivery.outcome, id: delivery.svixId, subject: delivery.type });
    return delivery;
  } catch (error) {
    if (error instanceof ApiError && error.status !== 500) {
      deps.analytics.record({ type: "webhook", outcome: "rejected", status: error.status, reason: error.message });
    }
    throw error;
  }
}
