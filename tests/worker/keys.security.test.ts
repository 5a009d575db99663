import { afterEach, describe, expect, it, vi } from "vitest";
import { createKey, jsonBody, signIn } from "./accounts";
import { bodyOf, call } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("API key security", () => {
  it("another user's key id → 404 for rename and revoke, and the key keeps working", async () => {
    const owner = await signIn();
    const stranger = await signIn();
    const { key, secret } = await createKey(owner);
    const rename = await call(`/api/keys/${key.id}`, {
      method: "PATCH",
      ...jsonBody({ name: "mine now" }, stranger.headers),
    });
    expect(rename.status).toBe(404);
    const revoke = await call(`/api/keys/${key.id}`, { method: "DELETE", headers: stranger.headers });
    expect(revoke.status).toBe(404);
    // The same answer as for an id that does not exist at all: ids are no oracle.
    const missing = await call(`/api/keys/${crypto.randomUUID()}`, { method: "DELETE", headers: stranger.headers });
    expect(missing.status).toBe(404);
    expect(await bodyOf(missing)).toEqual(await bodyOf(revoke));
    expect((await call("/api/me", { headers: { "X-API-Key": secret } })).status).toBe(200);
  });

  it("an expired key → 401", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const account = await signIn();
    const { secret } = await createKey(account, {
      name: "short-lived",
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect((await call("/api/me", { headers: { "X-API-Key": secret } })).status).toBe(200);
    vi.setSystemTime(Date.now() + 120_000);
    const expired = await call("/api/me", { headers: { "X-API-Key": secret } });
    expect(expired.status).toBe(401);
  });

  it("a key without the endpoint's scope → 403", async () => {
    const account = await signIn();
    const { secret } = await createKey(account, { name: "read only", scopes: ["keys:read"] });
    const compile = await call("/api/compile", {
      method: "POST",
      ...jsonBody({ configuration: {} }, { Authorization: `Bearer ${secret}` }),
    });
    expect(compile.status).toBe(403);
    expect((await bodyOf(compile)).error.code).toBe("insufficient_scope");
    const create = await call("/api/keys", { method: "POST", ...jsonBody({ name: "x" }, { "X-API-Key": secret }) });
    expect(create.status).toBe(403);
  });

  it.each(["api_key", "apikey", "token"])("a key in ?%s= → 400, even when it is valid", async (param) => {
    const account = await signIn();
    const { secret } = await createKey(account);
    const response = await call(`/api/me?${param}=${secret}`);
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).error.code).toBe("credentials_in_query");
  });

  it("unknown, malformed and truncated keys → 401 with the same message", async () => {
    const account = await signIn();
    const { secret } = await createKey(account);
    const answers = await Promise.all(
      [`bqk_${"A".repeat(43)}`, secret.slice(0, -1), "bqk_", `${secret}x`].map(async (key) => {
        const response = await call("/api/me", { headers: { "X-API-Key": key } });
        return { status: response.status, body: await bodyOf(response) };
      }),
    );
    for (const answer of answers) expect(answer.status).toBe(401);
    const invalidMessages = new Set(answers.slice(0, 2).map((answer) => answer.body.error.message));
    expect(invalidMessages.size).toBe(1);
  });

  it("a cookie-authenticated key creation from another site → 403", async () => {
    const account = await signIn();
    const response = await call("/api/keys", {
      method: "POST",
      ...jsonBody(
        { name: "csrf" },
        { Cookie: account.cookie, "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
      ),
    });
    expect(response.status).toBe(403);
    expect((await bodyOf(response)).error.code).toBe("csrf_failed");
    const sameSite = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "fine" }, { Cookie: account.cookie, "Sec-Fetch-Site": "same-origin" }),
    });
    expect(sameSite.status).toBe(201);
  });
});
