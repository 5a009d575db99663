import { describe, expect, it } from "vitest";
import {
  deliver,
  newClerkUserId,
  newSvixId,
  recordedDeliveries,
  svixHeaders,
  userEvent,
  userRow,
  WEBHOOK_PATH,
} from "./clerk-webhooks";
import { call, errorShape } from "./helpers";

describe("POST /api/webhooks/clerk — refused deliveries", () => {
  it.each(["svix-id", "svix-timestamp", "svix-signature"])("missing %s → 400, nothing stored", async (header) => {
    const id = newClerkUserId();
    const payload = JSON.stringify(userEvent("user.created", { id }));
    const headers = svixHeaders(payload);
    delete headers[header];
    const response = await call(WEBHOOK_PATH, { method: "POST", headers, body: payload });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(errorShape("bad_request"));
    expect(await userRow(id)).toBeNull();
  });

  it("a signed body that is not JSON → 400", async () => {
    const response = await deliver("{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(errorShape("bad_request"));
  });

  it("a signed JSON body without an event type → 400", async () => {
    const response = await deliver({ data: {} });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(errorShape("bad_request"));
  });

  it.each([
    [
      "user.created without data.id",
      (event: ReturnType<typeof userEvent>) => ({ ...event, data: { ...event.data, id: undefined } }),
    ],
    [
      "user.updated with a string updated_at",
      (event: ReturnType<typeof userEvent>) => ({
        ...event,
        type: "user.updated",
        data: { ...event.data, updated_at: "yesterday" },
      }),
    ],
    [
      "user.created with email_addresses not a list",
      (event: ReturnType<typeof userEvent>) => ({ ...event, data: { ...event.data, email_addresses: "a@b.c" } }),
    ],
    [
      "user.deleted without data",
      (event: ReturnType<typeof userEvent>) => ({ ...event, type: "user.deleted", data: null }),
    ],
  ])("malformed known event (%s) → 400, not recorded, nothing stored", async (_name, mangle) => {
    const id = newClerkUserId();
    const svixId = newSvixId();
    const response = await deliver(mangle(userEvent("user.created", { id })), { svixId });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(errorShape("bad_request"));
    expect(await recordedDeliveries(svixId)).toEqual([]);
    expect(await userRow(id)).toBeNull();
  });

  it.each([
    ["with its Content-Length", true],
    ["without a Content-Length", false],
  ])("a correctly signed 300 KB body %s → 413, nothing stored", async (_label, declareLength) => {
    const id = newClerkUserId();
    const payload = JSON.stringify({ ...userEvent("user.created", { id }), padding: "x".repeat(300 * 1024) });
    const headers = svixHeaders(payload);
    if (declareLength) headers["Content-Length"] = String(new TextEncoder().encode(payload).byteLength);
    const response = await call(WEBHOOK_PATH, { method: "POST", headers, body: payload });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(errorShape("payload_too_large"));
    expect(await userRow(id)).toBeNull();
  });

  it("a correctly signed 250 KB body (under the 256 KB cap) → 200", async () => {
    const id = newClerkUserId();
    const event = userEvent("user.created", { id });
    const padding = "x".repeat(250 * 1024 - JSON.stringify(event).length);
    const payload = JSON.stringify({ ...event, padding });
    const response = await call(WEBHOOK_PATH, { method: "POST", headers: svixHeaders(payload), body: payload });
    expect(response.status).toBe(200);
    expect(await userRow(id)).not.toBeNull();
  });

  it("a NUL byte in a name (Postgres text cannot hold it) → 200, stored without it, a redelivery is a no-op", async () => {
    const id = newClerkUserId();
    const svixId = newSvixId();
    const event = userEvent("user.created", { id, firstName: "Nul\u0000Byte", lastName: "\u0000" });
    const response = await deliver(event, { svixId });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "applied" });
    expect(await userRow(id)).toMatchObject({ firstName: "NulByte", lastName: "", email: `${id}@example.com` });
    expect(await recordedDeliveries(svixId)).toHaveLength(1);
    expect(await (await deliver(event, { svixId })).json()).toEqual({ received: true, outcome: "duplicate" });
  });

  it("a user id Postgres cannot store → 200 rejected and recorded, nothing stored: Svix does not retry it", async () => {
    const id = `${newClerkUserId()}\u0000x`;
    const svixId = newSvixId();
    const event = userEvent("user.created", { id });
    const response = await deliver(event, { svixId });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "rejected" });
    // 22021: character_not_in_repertoire: the row says why, for the operator who replays it.
    expect(await recordedDeliveries(svixId)).toMatchObject([{ type: "user.created", rejectedCode: "22021" }]);
    expect(await userRow(id.replace("\u0000", ""))).toBeNull();
    expect(await (await deliver(event, { svixId })).json()).toEqual({ received: true, outcome: "duplicate" });
  });

  it.each(["GET", "PUT", "PATCH", "DELETE"])("%s → 405 in the error shape, Allow: POST", async (method) => {
    const response = await call(WEBHOOK_PATH, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST");
    expect(await response.json()).toEqual(errorShape("method_not_allowed"));
  });
});
