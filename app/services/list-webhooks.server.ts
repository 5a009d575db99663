/**
 * Change webhooks of published lists: `list.updated`, `list.held`, `list.failed`, signed per the
 * Standard Webhooks spec (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with svix.
 *
 * An event becomes one `webhook_deliveries` row per enabled endpoint and one queue message naming
 * the row; the consumer POSTs it, and a failure goes back to the queue with exponential backoff
 * until the dead-letter queue marks the delivery failed. The rows are the delivery log.
 *
 * Signing secrets are derived (HMAC of the endpoint id and its secret version under the server's
 * LIST_WEBHOOK_KEY), never stored: shown once on creation and on rotation (docs/decisions/0017).
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { Webhook } from "svix";
import { z } from "zod";
import {
  type List,
  type ListWebhookEvent,
  type WebhookEndpoint,
  webhookDeliveries,
  webhookEndpoints,
} from "~/db/schema";
import type { Analytics } from "./analytics.server";
import type { Database } from "./db.server";
import type { AppEnv } from "./env.server";
import { ApiError } from "./http.server";
import { checkSourceUrl, displayUrl } from "./source-urls";

// A handful of receivers per list (chat, CI, a monitoring hook); each event fans out to all.
export const MAX_ENDPOINTS_PER_LIST = 5;
// A receiver should acknowledge at once and work later (the Standard Webhooks advice).
export const WEBHOOK_TIMEOUT_MS = 10_000;
// The log shows what a person reads on the list's page.
export const DELIVERY_LOG_LIMIT = 50;
// Enough of a receiver's error page to say what went wrong.
const MAX_ERROR_CHARS = 200;

export const webhookDeliveryMessage = z.object({ kind: z.literal("webhook_delivery"), deliveryId: z.uuid() });

interface WebhookServices {
  db: Database;
  queues: { standard: Queue };
  config: AppEnv;
  analytics: Analytics;
}

/** Endpoint URLs follow the source URLs' SSRF rules, and are HTTPS (plain HTTP only to an allowed local host). */
export function checkEndpointUrl(input: string, allowedPrivateHosts?: readonly string[]): URL {
  const checked = checkSourceUrl(input, { allowedPrivateHosts });
  if (!checked.ok) throw new ApiError(400, `url: ${checked.message}`, { code: "invalid_url" });
  const local = allowedPrivateHosts?.includes(checked.url.host.toLowerCase()) === true;
  if (checked.url.protocol !== "https:" && !local) {
    throw new ApiError(400, `url: ${displayUrl(checked.url)} must be https.`, { code: "invalid_url" });
  }
  return checked.url;
}

async function hmac(key: string, message: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

/** `whsec_…`: the endpoint's signing secret, the same every time for the same secret version. */
export async function endpointSecret(config: AppEnv, endpoint: Pick<WebhookEndpoint, "id" | "secretVersion">) {
  const key = config.LIST_WEBHOOK_KEY ?? config.ADMIN_KEY;
  const bytes = await hmac(key, `list-webhook:${endpoint.id}:${endpoint.secretVersion}`);
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

export async function createEndpoint(db: Database, config: AppEnv, list: List, url: string) {
  const checked = checkEndpointUrl(url, config.SOURCE_ALLOW_PRIVATE_HOSTS);
  const endpoint = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`list-webhooks:${list.id}`}))`);
    const [{ total }] = await tx
      .select({ total: sql<number>`count(*)::int` })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.listId, list.id));
    if (total >= MAX_ENDPOINTS_PER_LIST) {
      throw new ApiError(403, `A list has at most ${MAX_ENDPOINTS_PER_LIST} webhook endpoints.`, {
        code: "too_many_endpoints",
      });
    }
    const [row] = await tx.insert(webhookEndpoints).values({ listId: list.id, url: checked.href }).returning();
    return row;
  });
  return { endpoint, secret: await endpointSecret(config, endpoint) };
}

export async function findEndpoint(db: Database, list: List, id: string | undefined): Promise<WebhookEndpoint> {
  const parsed = z.uuid().safeParse(id);
  const [endpoint] = parsed.success
    ? await db
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.id, parsed.data), eq(webhookEndpoints.listId, list.id)))
        .limit(1)
    : [];
  if (!endpoint) throw new ApiError(404, "No such webhook endpoint.");
  return endpoint;
}

/** A new secret: the old one stops verifying with the next delivery. */
export async function rotateEndpointSecret(db: Database, config: AppEnv, endpoint: WebhookEndpoint) {
  const [rotated] = await db
    .update(webhookEndpoints)
    .set({ secretVersion: sql`${webhookEndpoints.secretVersion} + 1` })
    .where(eq(webhookEndpoints.id, endpoint.id))
    .returning();
  return { endpoint: rotated, secret: await endpointSecret(config, rotated) };
}

export async function deleteEndpoint(db: Database, endpoint: WebhookEndpoint) {
  await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
}

export async function listEndpoints(db: Database, listId: string) {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.listId, listId));
}

export async function listDeliveries(db: Database, listId: string, limit = DELIVERY_LOG_LIMIT) {
  return db
    .select({ delivery: webhookDeliveries, url: webhookEndpoints.url })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookEndpoints.listId, listId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(limit);
}

export function publicEndpoint(endpoint: WebhookEndpoint) {
  return { id: endpoint.id, url: endpoint.url, enabled: endpoint.enabled, createdAt: endpoint.createdAt.toISOString() };
}

/** An endpoint with its signing secret: the one answer that shows the secret (creating, rotating). */
export function endpointSecretBody(endpoint: WebhookEndpoint, secret: string) {
  return {
    endpoint: publicEndpoint(endpoint),
    secret,
    warning: "Store this signing secret now: it is shown only once.",
  };
}

export function publicDelivery({ delivery, url }: Awaited<ReturnType<typeof listDeliveries>>[number]) {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    type: delivery.type,
    url,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  };
}

/** One delivery row per enabled endpoint, one queue message each. */
export async function emitListEvent(
  services: WebhookServices,
  list: List,
  type: ListWebhookEvent,
  data: Record<string, unknown>,
) {
  const endpoints = (await listEndpoints(services.db, list.id)).filter((endpoint) => endpoint.enabled);
  if (endpoints.length === 0) return;
  const eventId = `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  const payload = {
    type,
    timestamp: new Date().toISOString(),
    data: { listId: list.id, name: list.name, slug: list.slug, ...data },
  };
  const rows = await services.db
    .insert(webhookDeliveries)
    .values(endpoints.map((endpoint) => ({ endpointId: endpoint.id, eventId, type, payload })))
    .returning({ id: webhookDeliveries.id });
  await services.queues.standard.sendBatch(
    rows.map((row) => ({ body: { kind: "webhook_delivery", deliveryId: row.id }, contentType: "json" as const })),
  );
}

export type DeliveryResult = { outcome: "delivered" | "skipped" } | { outcome: "retry"; error: string };

/** One attempt; the caller retries through the queue on `retry`. */
export async function deliverWebhook(services: WebhookServices, deliveryId: string): Promise<DeliveryResult> {
  const { db, config } = services;
  const [row] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .limit(1);
  if (row?.delivery.status !== "pending") return { outcome: "skipped" };
  const { delivery, endpoint } = row;
  const body = JSON.stringify(delivery.payload);
  const timestamp = new Date();
  const signature = new Webhook(await endpointSecret(config, endpoint)).sign(delivery.eventId, timestamp, body);
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    // Checked again at send time: the rules (or the allowed local hosts) may have changed.
    const url = checkEndpointUrl(endpoint.url, config.SOURCE_ALLOW_PRIVATE_HOSTS);
    const response = await fetch(url, {
      method: "POST",
      // A redirect could point anywhere, past the SSRF rules: a receiver must answer itself.
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Bloqr-Webhooks",
        "webhook-id": delivery.eventId,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
    });
    statusCode = response.status;
    if (!response.ok) error = `HTTP ${response.status}: ${(await response.text()).slice(0, MAX_ERROR_CHARS)}`;
    else await response.body?.cancel();
  } catch (thrown) {
    error = thrown instanceof ApiError ? thrown.message : `The endpoint could not be reached (${String(thrown)}).`;
  }
  const attempts = delivery.attempts + 1;
  if (error === null) {
    await db
      .update(webhookDeliveries)
      .set({
        status: "delivered",
        attempts,
        lastStatusCode: statusCode,
        lastError: null,
        deliveredAt: new Date(),
        nextAttemptAt: null,
      })
      .where(eq(webhookDeliveries.id, delivery.id));
    return { outcome: "delivered" };
  }
  await db
    .update(webhookDeliveries)
    .set({ attempts, lastStatusCode: statusCode, lastError: error.slice(0, MAX_ERROR_CHARS) })
    .where(eq(webhookDeliveries.id, delivery.id));
  return { outcome: "retry", error };
}

/** When the next attempt is due: shown in the delivery log. */
export async function scheduleRetry(db: Database, deliveryId: string, delaySeconds: number) {
  await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: new Date(Date.now() + delaySeconds * 1000) })
    .where(eq(webhookDeliveries.id, deliveryId));
}

/** Retries ran out (the dead-letter queue): the log says failed, with the last error kept. */
export async function failDelivery(db: Database, deliveryId: string) {
  await db
    .update(webhookDeliveries)
    .set({ status: "failed", nextAttemptAt: null })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "pending")));
}
