import { describe, expect, it } from "vitest";
import {
  addApiKey,
  apiKeysOf,
  deletedEvent,
  deliver,
  isTombstoned,
  newClerkUserId,
  newSvixId,
  recordedDeliveries,
  userEvent,
  userRow,
} from "./clerk-webhooks";

describe("POST /api/webhooks/clerk — user sync", () => {
  it("user.created → a users row with the primary email, names, image, tier and role", async () => {
    const id = newClerkUserId();
    const updatedAt = Date.now();
    const response = await deliver(
      userEvent("user.created", {
        id,
        email: `${id}@example.com`,
        firstName: "Grace",
        lastName: "Hopper",
        imageUrl: "https://img.clerk.com/grace.png",
        publicMetadata: { tier: "pro", role: "admin" },
        updatedAt,
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "applied" });
    expect(await userRow(id)).toMatchObject({
      clerkUserId: id,
      email: `${id}@example.com`,
      firstName: "Grace",
      lastName: "Hopper",
      imageUrl: "https://img.clerk.com/grace.png",
      tier: "pro",
      role: "admin",
      clerkUpdatedAt: new Date(updatedAt),
    });
  });

  it("user.created without public metadata → free user", async () => {
    const id = newClerkUserId();
    expect((await deliver(userEvent("user.created", { id }))).status).toBe(200);
    expect(await userRow(id)).toMatchObject({ tier: "free", role: "user", email: `${id}@example.com` });
  });

  it("user.updated → the row follows Clerk (new email, names, tier)", async () => {
    const id = newClerkUserId();
    const created = Date.now() - 60_000;
    await deliver(userEvent("user.created", { id, updatedAt: created }));
    const response = await deliver(
      userEvent("user.updated", {
        id,
        email: `renamed-${id}@example.com`,
        firstName: null,
        lastName: "Byron",
        publicMetadata: { tier: "pro" },
        updatedAt: created + 1_000,
      }),
    );
    expect(response.status).toBe(200);
    expect(await userRow(id)).toMatchObject({
      email: `renamed-${id}@example.com`,
      firstName: null,
      lastName: "Byron",
      tier: "pro",
      role: "user",
      clerkUpdatedAt: new Date(created + 1_000),
    });
  });

  it("user.updated for a user never seen → the row is created", async () => {
    const id = newClerkUserId();
    expect((await deliver(userEvent("user.updated", { id, publicMetadata: { tier: "pro" } }))).status).toBe(200);
    expect(await userRow(id)).toMatchObject({ clerkUserId: id, tier: "pro" });
  });

  it("user.updated carries the whole public metadata: a rename that keeps it keeps the tier and role", async () => {
    const id = newClerkUserId();
    const created = Date.now() - 60_000;
    const publicMetadata = { tier: "pro", role: "admin" };
    await deliver(userEvent("user.created", { id, publicMetadata, updatedAt: created }));
    await deliver(userEvent("user.updated", { id, firstName: "Renamed", publicMetadata, updatedAt: created + 1_000 }));
    expect(await userRow(id)).toMatchObject({ firstName: "Renamed", tier: "pro", role: "admin" });
    // Without them it is free / user: see "removing a role or tier in Clerk" in webhooks.security.test.ts.
  });

  it("an address that moved to another Clerk user → the new owner gets it, the old row lets go", async () => {
    const previousOwner = newClerkUserId();
    const newOwner = newClerkUserId();
    const email = `moved-${newOwner}@example.com`;
    await deliver(userEvent("user.created", { id: previousOwner, email }));
    const response = await deliver(userEvent("user.created", { id: newOwner, email }));
    expect(response.status).toBe(200);
    expect(await userRow(newOwner)).toMatchObject({ email });
    expect(await userRow(previousOwner)).toMatchObject({ email: null });
  });

  it("user.deleted → the user and their API keys are gone, and a tombstone stays", async () => {
    const id = newClerkUserId();
    await deliver(userEvent("user.created", { id }));
    const user = (await userRow(id))!;
    await addApiKey(user.id);
    await addApiKey(user.id);
    expect(await apiKeysOf(user.id)).toHaveLength(2);

    const response = await deliver(deletedEvent(id));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "applied" });
    expect(await userRow(id)).toBeNull();
    expect(await apiKeysOf(user.id)).toEqual([]);
    expect(await isTombstoned(id)).toBe(true);
  });

  it("user.deleted for a user never seen → 200, tombstoned", async () => {
    const id = newClerkUserId();
    expect((await deliver(deletedEvent(id))).status).toBe(200);
    expect(await isTombstoned(id)).toBe(true);
  });

  it("an event type Bloqr does not handle → 200, ignored, nothing recorded", async () => {
    const svixId = newSvixId();
    const response = await deliver(
      { object: "event", type: "session.created", data: { id: "sess_1", user_id: "user_1" } },
      { svixId },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "ignored" });
    expect(await recordedDeliveries(svixId)).toEqual([]);
  });
});
