/**
 * Clerk webhook deliveries as Clerk sends them: user events shaped like Clerk's payloads, signed
 * by svix with the test run's CLERK_WEBHOOK_SECRET (or any other secret, to forge one).
 */
import { eq } from "drizzle-orm";
import { Webhook } from "svix";
import { apiKeys, deletedUsers, users, webhookEvents } from "../../app/db/schema";
import { withDatabase } from "./accounts";
import { call, inject } from "./helpers";

export const WEBHOOK_PATH = "/api/webhooks/clerk";

const randomId = () => crypto.randomUUID().replaceAll("-", "");
export const newSvixId = () => `msg_${randomId()}`;
export const newClerkUserId = () => `user_${randomId()}`;

export interface ClerkUserFixture {
  id: string;
  email?: string;
  firstName?: string | null;
  lastName?: string | null;
  imageUrl?: string;
  publicMetadata?: Record<string, unknown>;
  /** Clerk's updated_at, in milliseconds. */
  updatedAt?: number;
}

export function userEvent(type: "user.created" | "user.updated", user: ClerkUserFixture) {
  const updatedAt = user.updatedAt ?? Date.now();
  return {
    object: "event",
    type,
    instance_id: "ins_test",
    timestamp: updatedAt,
    data: {
      object: "user",
      id: user.id,
      // A secondary address listed first: only primary_email_address_id says which one is primary.
      email_addresses: [
        { id: "idn_secondary", object: "email_address", email_address: `secondary-${user.id}@example.com` },
        { id: "idn_primary", object: "email_address", email_address: user.email ?? `${user.id}@example.com` },
      ],
      primary_email_address_id: "idn_primary",
      first_name: user.firstName === undefined ? "Ada" : user.firstName,
      last_name: user.lastName === undefined ? "Lovelace" : user.lastName,
      image_url: user.imageUrl ?? "https://img.clerk.com/avatar.png",
      public_metadata: user.publicMetadata ?? {},
      private_metadata: {},
      unsafe_metadata: {},
      created_at: updatedAt - 1_000,
      updated_at: updatedAt,
    },
  };
}

export function deletedEvent(clerkUserId: string) {
  return {
    object: "event",
    type: "user.deleted",
    instance_id: "ins_test",
    timestamp: Date.now(),
    data: { object: "user", id: clerkUserId, deleted: true },
  };
}

export interface SignOptions {
  svixId?: string;
  /** When the delivery claims to have been signed (svix-timestamp). */
  at?: Date;
  secret?: string;
}

export function svixHeaders(payload: string, options: SignOptions = {}): Record<string, string> {
  const { svixId = newSvixId(), at = new Date(), secret = inject("testBindings").CLERK_WEBHOOK_SECRET } = options;
  return {
    "Content-Type": "application/json",
    "svix-id": svixId,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": new Webhook(secret).sign(svixId, at, payload),
  };
}

/** POSTs an event (object or raw text) to the webhook, signed unless told otherwise. */
export function deliver(event: unknown, options: SignOptions = {}) {
  const payload = typeof event === "string" ? event : JSON.stringify(event);
  return call(WEBHOOK_PATH, { method: "POST", headers: svixHeaders(payload, options), body: payload });
}

export const userRow = (clerkUserId: string) =>
  withDatabase(async (db) => {
    const [row] = await db.select().from(users).where(eq(users.clerkUserId, clerkUserId));
    return row ?? null;
  });

export const isTombstoned = (clerkUserId: string) =>
  withDatabase(async (db) => {
    const rows = await db.select().from(deletedUsers).where(eq(deletedUsers.clerkUserId, clerkUserId));
    return rows.length > 0;
  });

export const recordedDeliveries = (svixId: string) =>
  withDatabase((db) => db.select().from(webhookEvents).where(eq(webhookEvents.svixId, svixId)));

export async function addApiKey(userId: string) {
  return withDatabase(async (db) => {
    const [key] = await db
      .insert(apiKeys)
      .values({ userId, keyHash: randomId() + randomId(), keyPrefix: "bqk_test", name: "ci" })
      .returning();
    return key;
  });
}

export const apiKeysOf = (userId: string) =>
  withDatabase((db) => db.select().from(apiKeys).where(eq(apiKeys.userId, userId)));
