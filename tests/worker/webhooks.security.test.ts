import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { users } from "../../app/db/schema";
import { withDatabase } from "./accounts";
import {
  deletedEvent,
  deliver,
  newClerkUserId,
  newSvixId,
  recordedDeliveries,
  svixHeaders,
  userEvent,
  userRow,
  WEBHOOK_PATH,
} from "./clerk-webhooks";
import { call, errorShape, inject } from "./helpers";
import { carriers, sessionClaims, signSession } from "./session-tokens";

const MINUTE = 60_000;
const CAP = 256 * 1024;
const CHUNK = 16 * 1024;

afterEach(() => vi.restoreAllMocks());

/** A request body of `total` bytes (endless by default) that counts what the server pulled. */
function countingStream(total = Number.POSITIVE_INFINITY) {
  const counter = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
    },
  });
  return { body, counter };
}

describe("POST /api/webhooks/clerk — signatures", () => {
  it("signed with another secret → 401, nothing stored", async () => {
    const id = newClerkUserId();
    const forger = `whsec_${btoa("not-the-clerk-endpoint-secret-0123456789")}`;
    const response = await deliver(userEvent("user.created", { id }), { secret: forger });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(errorShape("unauthorized"));
    expect(await userRow(id)).toBeNull();
  });

  it("a tampered body (signature of the original) → 401, nothing stored", async () => {
    const id = newClerkUserId();
    const original = JSON.stringify(userEvent("user.created", { id }));
    const tampered = original.replace('"public_metadata":{}', '"public_metadata":{"role":"admin"}');
    expect(tampered).not.toBe(original);
    const response = await call(WEBHOOK_PATH, { method: "POST", headers: svixHeaders(original), body: tampered });
    expect(response.status).toBe(401);
    expect(await userRow(id)).toBeNull();
  });

  it("a captured delivery replayed under a new svix-id → 401 (the id is signed too)", async () => {
    const id = newClerkUserId();
    const payload = JSON.stringify(userEvent("user.created", { id }));
    const headers = { ...svixHeaders(payload), "svix-id": newSvixId() };
    const response = await call(WEBHOOK_PATH, { method: "POST", headers, body: payload });
    expect(response.status).toBe(401);
    expect(await userRow(id)).toBeNull();
  });

  it.each([
    ["10 minutes old", -10 * MINUTE],
    ["10 minutes ahead", 10 * MINUTE],
  ])("a correctly signed delivery timestamped %s → 401", async (_label, offset) => {
    const id = newClerkUserId();
    const response = await deliver(userEvent("user.created", { id }), { at: new Date(Date.now() + offset) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(errorShape("unauthorized"));
    expect(await userRow(id)).toBeNull();
  });

  it("a delivery signed 4 minutes ago (inside svix's 5-minute window) → 200", async () => {
    const id = newClerkUserId();
    const response = await deliver(userEvent("user.created", { id }), { at: new Date(Date.now() - 4 * MINUTE) });
    expect(response.status).toBe(200);
    expect(await userRow(id)).not.toBeNull();
  });

  it.each([
    ["a garbage signature", { "svix-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }],
    ["an unknown signature version", { "svix-signature": "v2,whatever" }],
    ["a non-numeric timestamp", { "svix-timestamp": "soon" }],
  ])("%s → 401", async (_label, override) => {
    const id = newClerkUserId();
    const payload = JSON.stringify(userEvent("user.created", { id }));
    const response = await call(WEBHOOK_PATH, {
      method: "POST",
      headers: { ...svixHeaders(payload), ...override },
      body: payload,
    });
    expect(response.status).toBe(401);
    expect(await userRow(id)).toBeNull();
  });
});

describe("POST /api/webhooks/clerk — ordering and idempotency", () => {
  it("redelivery of the same svix-id → 200 duplicate, no second effect", async () => {
    const id = newClerkUserId();
    const svixId = newSvixId();
    const event = userEvent("user.updated", { id, firstName: "Original" });
    expect(await (await deliver(event, { svixId })).json()).toMatchObject({ outcome: "applied" });
    // Someone edits the row after the event was applied; applying the event again would undo it.
    await withDatabase((db) => db.update(users).set({ firstName: "Edited" }).where(eq(users.clerkUserId, id)));

    const again = await deliver(event, { svixId });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, outcome: "duplicate" });
    expect(await userRow(id)).toMatchObject({ firstName: "Edited" });
    expect(await recordedDeliveries(svixId)).toHaveLength(1);
  });

  it("the same delivery twice at once → applied exactly once", async () => {
    const id = newClerkUserId();
    const svixId = newSvixId();
    const event = userEvent("user.created", { id });
    const responses = await Promise.all([deliver(event, { svixId }), deliver(event, { svixId })]);
    const outcomes = await Promise.all(
      responses.map(async (response) => ((await response.json()) as { outcome: string }).outcome),
    );
    expect(outcomes.sort()).toEqual(["applied", "duplicate"]);
    expect(await recordedDeliveries(svixId)).toHaveLength(1);
  });

  it("an update older than the stored one → 200 stale, row unchanged", async () => {
    const id = newClerkUserId();
    const newer = Date.now();
    await deliver(
      userEvent("user.updated", { id, firstName: "Newer", publicMetadata: { tier: "pro" }, updatedAt: newer }),
    );
    const response = await deliver(
      userEvent("user.updated", { id, firstName: "Older", publicMetadata: { tier: "free" }, updatedAt: newer - 5_000 }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "stale" });
    expect(await userRow(id)).toMatchObject({ firstName: "Newer", tier: "pro", clerkUpdatedAt: new Date(newer) });
  });

  it("a late user.updated after user.deleted → the user stays deleted, even for a live session", async () => {
    const id = newClerkUserId();
    const createdAt = Date.now() - MINUTE;
    await deliver(userEvent("user.created", { id, updatedAt: createdAt }));
    await deliver(deletedEvent(id));

    const late = await deliver(userEvent("user.updated", { id, firstName: "Zombie", updatedAt: createdAt + 1_000 }));
    expect(late.status).toBe(200);
    expect(await late.json()).toEqual({ received: true, outcome: "deleted" });
    expect(await userRow(id)).toBeNull();

    // A session token issued before the deletion is still valid for up to a minute.
    const token = await signSession(sessionClaims({ sub: id }));
    const me = await call("/api/me", { headers: carriers.bearer(token) });
    expect(me.status).toBe(401);
    expect(await userRow(id)).toBeNull();
  });
});

describe("POST /api/webhooks/clerk — what the payload may not do", () => {
  it("tier and role outside the known sets are never stored: they mean free / user", async () => {
    const id = newClerkUserId();
    const createdAt = Date.now() - MINUTE;
    await deliver(
      userEvent("user.created", { id, publicMetadata: { tier: "platinum", role: "root" }, updatedAt: createdAt }),
    );
    expect(await userRow(id)).toMatchObject({ tier: "free", role: "user" });

    await deliver(userEvent("user.updated", { id, publicMetadata: { tier: "pro" }, updatedAt: createdAt + 1_000 }));
    expect(await userRow(id)).toMatchObject({ tier: "pro", role: "user" });
    await deliver(
      userEvent("user.updated", { id, publicMetadata: { tier: ["admin"], role: 1 }, updatedAt: createdAt + 2_000 }),
    );
    expect(await userRow(id)).toMatchObject({
      tier: "free",
      role: "user",
      clerkUpdatedAt: new Date(createdAt + 2_000),
    });
  });

  it("a Content-Length over 256 KB → 413 without reading the body", async () => {
    const { body, counter } = countingStream(300 * 1024);
    const payload = "{}";
    const headers = { ...svixHeaders(payload), "Content-Length": String(300 * 1024) };
    const response = await call(WEBHOOK_PATH, { method: "POST", headers, body });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(errorShape("payload_too_large"));
    // The stream fills its first chunk by itself when created; nothing more was asked for.
    expect(counter.pulled).toBeLessThanOrEqual(CHUNK);
  });

  it.each([
    ["an endless body without Content-Length", undefined],
    ["a 300 KB body declaring Content-Length: 100", "100"],
  ])("%s → 413 after reading at most the cap", async (_label, contentLength) => {
    const { body, counter } = countingStream(contentLength ? 300 * 1024 : undefined);
    const headers: Record<string, string> = svixHeaders("{}");
    if (contentLength) headers["Content-Length"] = contentLength;
    const response = await call(WEBHOOK_PATH, { method: "POST", headers, body });
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(CAP + 2 * CHUNK);
  });

  it("logs name the delivery, never the body, the signature or the secret", async () => {
    const logged: unknown[] = [];
    for (const level of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args) => void logged.push(...args));
    }
    const id = newClerkUserId();
    const svixId = newSvixId();
    const payload = JSON.stringify(userEvent("user.created", { id, firstName: "Secretive" }));
    const headers = svixHeaders(payload, { svixId });
    await call(WEBHOOK_PATH, { method: "POST", headers, body: payload });
    await call(WEBHOOK_PATH, { method: "POST", headers, body: payload.replace("Secretive", "Tampered") });

    const text = logged.map(String).join("\n");
    expect(text).toContain(svixId);
    for (const secret of [
      id,
      "Secretive",
      "Tampered",
      headers["svix-signature"],
      inject("testBindings").CLERK_WEBHOOK_SECRET,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("POST /api/webhooks/clerk — removing a role or tier in Clerk takes it away", () => {
  const metrics = (clerkUserId: string, claims: Record<string, unknown> = {}) =>
    signSession(sessionClaims({ sub: clerkUserId, ...claims })).then((token) =>
      call("/api/admin/metrics", { headers: carriers.bearer(token) }),
    );

  it.each([
    ["public_metadata: {}", {}],
    ["role: null, tier: null", { role: null, tier: null }],
    ["an unknown tier and role", { tier: "platinum", role: "root" }],
  ])(
    "user.updated with %s after pro/admin → free/user, and /api/admin/metrics → 403",
    async (_label, publicMetadata) => {
      const id = newClerkUserId();
      const createdAt = Date.now() - MINUTE;
      await deliver(
        userEvent("user.created", { id, publicMetadata: { tier: "pro", role: "admin" }, updatedAt: createdAt }),
      );
      expect((await metrics(id)).status).toBe(200);

      const response = await deliver(userEvent("user.updated", { id, publicMetadata, updatedAt: createdAt + 1_000 }));
      expect(await response.json()).toEqual({ received: true, outcome: "applied" });
      expect(await userRow(id)).toMatchObject({ tier: "free", role: "user" });
      const refused = await metrics(id);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual(errorShape("insufficient_role"));
    },
  );

  it("a session token whose metadata claim lacks the role (or names an unknown one) → not admin, whatever the row says", async () => {
    const id = newClerkUserId();
    await deliver(userEvent("user.created", { id, publicMetadata: { tier: "admin", role: "admin" } }));
    // No metadata claim (a session template without it): the synced row decides.
    expect((await metrics(id)).status).toBe(200);
    for (const metadata of [{}, { role: null }, { role: "root", tier: "platinum" }, null]) {
      expect((await metrics(id, { metadata })).status, JSON.stringify(metadata)).toBe(403);
    }
    const me = await call("/api/me", {
      headers: carriers.bearer(await signSession(sessionClaims({ sub: id, metadata: { role: "root" } }))),
    });
    expect(await me.json()).toMatchObject({ tier: "free", role: "user" });
  });
});
