import { describe, expect, it } from "vitest";
import { createKey, jsonBody, signIn } from "./accounts";
import { bodyOf, call, errorShape } from "./helpers";

describe("API key errors", () => {
  it.each([
    [{ name: "" }, "name"],
    [{ name: "x".repeat(65) }, "name"],
    [{ name: "ok", scopes: ["admin"] }, "scopes[0]"],
    [{ name: "ok", scopes: [] }, "scopes"],
    [{ name: "ok", expiresAt: "tomorrow" }, "expiresAt"],
    [{ name: "ok", rateLimitPerMinute: 0 }, "rateLimitPerMinute"],
    [{ name: "ok", extra: true }, "extra"],
  ])("%j → 400 naming %s", async (body, field) => {
    const account = await signIn();
    const response = await call("/api/keys", { method: "POST", ...jsonBody(body, account.headers) });
    expect(response.status).toBe(400);
    const json = await bodyOf(response);
    expect(json).toEqual(errorShape("invalid_request"));
    expect(json.error.message).toContain(field);
  });

  it("a per-key limit above the owner's tier → 400", async () => {
    const account = await signIn({ tier: "free" });
    const response = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "greedy", rateLimitPerMinute: 61 }, account.headers),
    });
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).error.message).toContain("60");
  });

  it("an expiry in the past → 400", async () => {
    const account = await signIn();
    const response = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "old", expiresAt: new Date(Date.now() - 1000).toISOString() }, account.headers),
    });
    expect(response.status).toBe(400);
  });

  it("the 26th active key → 409; revoking one makes room", async () => {
    const account = await signIn();
    const keys = [];
    for (let i = 0; i < 25; i++) keys.push(await createKey(account, { name: `key ${i}` }));
    const refused = await call("/api/keys", { method: "POST", ...jsonBody({ name: "one too many" }, account.headers) });
    expect(refused.status).toBe(409);
    expect(await bodyOf(refused)).toEqual(errorShape("too_many_keys"));

    await call(`/api/keys/${keys[0].key.id}`, { method: "DELETE", headers: account.headers });
    const accepted = await call("/api/keys", { method: "POST", ...jsonBody({ name: "replacement" }, account.headers) });
    expect(accepted.status).toBe(201);
  });

  it("wrong content type → 415, broken JSON → 400, oversized → 413", async () => {
    const account = await signIn();
    const asText = await call("/api/keys", {
      method: "POST",
      headers: { ...account.headers, "Content-Type": "text/plain" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(asText.status).toBe(415);
    expect(await bodyOf(asText)).toEqual(errorShape("unsupported_media_type"));

    const broken = await call("/api/keys", {
      method: "POST",
      headers: { ...account.headers, "Content-Type": "application/json" },
      body: "{ name: ",
    });
    expect(broken.status).toBe(400);
    expect(await bodyOf(broken)).toEqual(errorShape("invalid_json"));

    const huge = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "x".repeat(2 * 1024 * 1024) }, account.headers),
    });
    expect(huge.status).toBe(413);
    expect(await bodyOf(huge)).toEqual(errorShape("payload_too_large"));
  });

  it("anonymous → 401; unsupported method → 405", async () => {
    const anonymous = await call("/api/keys");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toContain("Bearer");
    const account = await signIn();
    const put = await call("/api/keys", { method: "PUT", headers: account.headers });
    expect(put.status).toBe(405);
    expect(await bodyOf(put)).toEqual(errorShape("method_not_allowed"));
  });
});
