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

describe("a key cannot give itself or its keys more than it has", () => {
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
  const allScopes = ["compile", "compile:async", "keys:read", "keys:write"];

  /** A key that may write keys, expires in an hour and is limited to 5 requests a minute. */
  async function limitedKey() {
    const account = await signIn();
    const expiresAt = inAnHour();
    const { key, secret } = await createKey(account, {
      name: "limited",
      scopes: ["compile", "keys:read", "keys:write"],
      expiresAt,
      rateLimitPerMinute: 5,
    });
    return { account, key, expiresAt, headers: { "X-API-Key": secret } };
  }

  const createWith = (headers: Record<string, string>, body: Record<string, unknown>) =>
    call("/api/keys", { method: "POST", ...jsonBody(body, headers) });

  const keysOf = async (headers: Record<string, string>) =>
    (await bodyOf(await call("/api/keys", { headers }))).keys as { id: string }[];

  it.each<[string, Record<string, unknown>]>([
    ["no expiry", { rateLimitPerMinute: 5 }],
    ["a later expiry", { rateLimitPerMinute: 5, expiresAt: new Date(Date.now() + 7_200_000).toISOString() }],
    ["no limit of its own", { expiresAt: "EXPIRY" }],
    ["a higher limit", { expiresAt: "EXPIRY", rateLimitPerMinute: 6 }],
  ])("minting a key with %s → 403 exceeds_calling_key, no key created", async (_label, extra) => {
    const caller = await limitedKey();
    const before = await keysOf(caller.account.headers);
    const body: Record<string, unknown> = { name: "escape", scopes: ["compile"], ...extra };
    if (body.expiresAt === "EXPIRY") body.expiresAt = caller.expiresAt;
    const response = await createWith(caller.headers, body);
    expect(response.status).toBe(403);
    expect(await bodyOf(response)).toEqual({ error: { code: "exceeds_calling_key", message: expect.any(String) } });
    expect(await keysOf(caller.account.headers)).toHaveLength(before.length);
  });

  it("minting a key with a scope it lacks → 403 insufficient_scope", async () => {
    const caller = await limitedKey();
    const response = await createWith(caller.headers, {
      name: "escape",
      scopes: ["compile:async"],
      expiresAt: caller.expiresAt,
      rateLimitPerMinute: 1,
    });
    expect(response.status).toBe(403);
    expect(await bodyOf(response)).toEqual({ error: { code: "insufficient_scope", message: expect.any(String) } });
  });

  it("within its own bounds (scopes ⊆, expiry ≤, limit ≤) → 201", async () => {
    const caller = await limitedKey();
    const response = await createWith(caller.headers, {
      name: "narrower",
      scopes: ["compile"],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      rateLimitPerMinute: 5,
    });
    expect(response.status).toBe(201);
  });

  it("lifting or raising its own limit → 403 and the limit stays; lowering it → 200", async () => {
    const caller = await limitedKey();
    for (const rateLimitPerMinute of [null, 6, 1000]) {
      const response = await call(`/api/keys/${caller.key.id}`, {
        method: "PATCH",
        ...jsonBody({ rateLimitPerMinute }, caller.headers),
      });
      expect(response.status, String(rateLimitPerMinute)).toBe(403);
    }
    const lowered = await call(`/api/keys/${caller.key.id}`, {
      method: "PATCH",
      ...jsonBody({ rateLimitPerMinute: 3 }, caller.headers),
    });
    expect(lowered.status).toBe(200);
    expect(await bodyOf(lowered)).toMatchObject({ key: { rateLimitPerMinute: 3 } });
  });

  it("lifting a sibling key's limit beyond its own → 403", async () => {
    const caller = await limitedKey();
    const sibling = await createKey(caller.account, { name: "sibling", scopes: ["compile"], rateLimitPerMinute: 1 });
    const response = await call(`/api/keys/${sibling.key.id}`, {
      method: "PATCH",
      ...jsonBody({ rateLimitPerMinute: null }, caller.headers),
    });
    expect(response.status).toBe(403);
  });

  it("a session keeps full control: no expiry, no per-key limit, every scope", async () => {
    const caller = await limitedKey();
    const response = await createWith(caller.account.headers, { name: "full", scopes: allScopes });
    expect(response.status).toBe(201);
    const lifted = await call(`/api/keys/${caller.key.id}`, {
      method: "PATCH",
      ...jsonBody({ rateLimitPerMinute: null }, caller.account.headers),
    });
    expect(lifted.status).toBe(200);
  });
});
