/**
 * The isolate's principal cache (docs/decisions/0016-principal-cache.md): warm keys and sessions
 * skip Postgres, yet a revocation or a tier change made through our own API or Clerk's webhook
 * counts on the very next request, and one made anywhere else within PRINCIPAL_CACHE_TTL_MS.
 * These tests and the Worker share one isolate, as requests in one Worker instance do.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKeys } from "~/db/schema";
import { PRINCIPAL_CACHE_TTL_MS } from "~/services/principal-cache.server";
import { devClerkUserId } from "~/services/session-token.server";
import { createKey, signIn, type TestAccount, withDatabase } from "./accounts";
import { deletedEvent, deliver, userEvent } from "./clerk-webhooks";
import { bodyOf, call } from "./helpers";
import { carriers, sessionClaims, signSession } from "./session-tokens";

const me = (headers: Record<string, string>, bindings = {}) => call("/api/me", { headers }, bindings);
const keyRow = (id: string) =>
  withDatabase((db) =>
    db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.id, id))
      .then(([row]) => row),
  );

async function warmKey(account: TestAccount) {
  const { key, secret } = await createKey(account);
  const asKey = { "X-API-Key": secret };
  expect((await me(asKey)).status).toBe(200);
  return { key, asKey };
}

const DATABASE_DOWN = { DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" };

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("revocation with a warm cache", () => {
  it("a key used a moment ago and then revoked through the API → 401 on its very next request", async () => {
    const account = await signIn();
    const { key, asKey } = await warmKey(account);
    expect((await call(`/api/keys/${key.id}`, { method: "DELETE", headers: account.headers })).status).toBe(200);
    expect((await me(asKey)).status).toBe(401);
  });

  it("a key revoked where this isolate cannot see it (straight in Postgres) works at most PRINCIPAL_CACHE_TTL_MS more", async () => {
    const account = await signIn();
    const { key, asKey } = await warmKey(account);
    await withDatabase((db) => db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id)));
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + PRINCIPAL_CACHE_TTL_MS - 1_000 });
    expect((await me(asKey)).status).toBe(200);
    vi.setSystemTime(Date.now() + 1_001);
    expect((await me(asKey)).status).toBe(401);
  });

  it("a key whose limit is changed through the API is counted with the new limit at once", async () => {
    const account = await signIn({ tier: "pro" });
    const { key, asKey } = await warmKey(account);
    const patched = await call(`/api/keys/${key.id}`, {
      method: "PATCH",
      headers: { ...account.headers, "Content-Type": "application/json" },
      body: JSON.stringify({ rateLimitPerMinute: 7 }),
    });
    expect(patched.status).toBe(200);
    expect((await me(asKey)).headers.get("RateLimit-Limit")).toBe("7");
  });
});

describe("user changes by Clerk's webhook with a warm cache", () => {
  it("a tier change → the owner's warm key and session see the new tier on their next request", async () => {
    const account = await signIn({ tier: "free" });
    const { asKey } = await warmKey(account);
    expect(await bodyOf(await me(account.headers))).toMatchObject({ tier: "free" });
    const id = await devClerkUserId(account.email);
    const update = userEvent("user.updated", { id, email: account.email, publicMetadata: { tier: "pro" } });
    expect((await deliver(update)).status).toBe(200);
    expect(await bodyOf(await me(asKey))).toMatchObject({ kind: "apiKey", tier: "pro" });
    expect(await bodyOf(await me(account.headers))).toMatchObject({ kind: "session", tier: "pro" });
  });

  it("a deleted user → their warm key and session → 401 at once", async () => {
    const account = await signIn();
    const { asKey } = await warmKey(account);
    expect((await me(account.headers)).status).toBe(200);
    expect((await deliver(deletedEvent(await devClerkUserId(account.email)))).status).toBe(200);
    expect((await me(asKey)).status).toBe(401);
    expect((await me(account.headers)).status).toBe(401);
  });
});

describe("verified Bearer session tokens in the isolate", () => {
  it("a token accepted a moment ago with its payload changed (same signature) → 401", async () => {
    const claims = sessionClaims();
    const token = await signSession(claims);
    expect((await me(carriers.bearer(token) as Record<string, string>)).status).toBe(200);
    const [header, , signature] = token.split(".");
    const otherUser = btoa(JSON.stringify({ ...claims, sub: `${claims.sub}x` }))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    const forged = `${header}.${otherUser}.${signature}`;
    expect((await me(carriers.bearer(forged) as Record<string, string>)).status).toBe(401);
  });

  it("a token accepted while valid → 401 once its exp has passed, though the cache's own 30 s have not", async () => {
    const claims = sessionClaims();
    claims.exp = (claims.iat as number) + 15;
    const asToken = carriers.bearer(await signSession(claims)) as Record<string, string>;
    expect((await me(asToken)).status).toBe(200);
    // Past exp and Clerk's 5 s clock-skew allowance, well within PRINCIPAL_CACHE_TTL_MS.
    vi.useFakeTimers({ toFake: ["Date"], now: ((claims.exp as number) + 6) * 1000 });
    expect(Date.now() - (claims.iat as number) * 1000).toBeLessThan(PRINCIPAL_CACHE_TTL_MS);
    expect((await me(asToken)).status).toBe(401);
  });
});

describe("what a warm request needs from Postgres", () => {
  it("Postgres down: a warm key and session keep working; a key not seen yet → 503", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const account = await signIn();
    const { asKey } = await warmKey(account);
    expect((await me(account.headers)).status).toBe(200);
    const cold = await createKey(account);
    expect((await me(asKey, DATABASE_DOWN)).status).toBe(200);
    expect((await me(account.headers, DATABASE_DOWN)).status).toBe(200);
    expect((await me({ "X-API-Key": cold.secret }, DATABASE_DOWN)).status).toBe(503);
  });

  it("last_used_at: written after the first use, then at most once a minute", async () => {
    const account = await signIn();
    const { key, asKey } = await warmKey(account);
    const first = (await keyRow(key.id))?.lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    expect((await me(asKey)).status).toBe(200);
    expect((await keyRow(key.id))?.lastUsedAt).toEqual(first);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    expect((await me(asKey)).status).toBe(200);
    expect((await keyRow(key.id))?.lastUsedAt?.getTime()).toBeGreaterThan(first!.getTime());
  });
});
