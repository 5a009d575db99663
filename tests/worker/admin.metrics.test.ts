/** GET /api/admin/metrics: who may read it, and that its numbers come from the database. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { compilations } from "~/db/schema";
import { summarizeMetrics } from "~/services/metrics.server";
import { ADMIN_KEY_ATTEMPTS_PER_MINUTE } from "~/services/rate-limit.server";
import { createKey, randomIp, signIn, withDatabase } from "./accounts";
import { bodyOf, call, inject } from "./helpers";

const PATH = "/api/admin/metrics";
const DAY_MS = 24 * 60 * 60 * 1000;
const adminKey = () => inject("testBindings").ADMIN_KEY;
const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("GET /api/admin/metrics — access", () => {
  it("an admin session → 200", async () => {
    const admin = await signIn({ tier: "admin", role: "admin" });
    const response = await call(PATH, { headers: admin.headers });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("a signed-in user → 403", async () => {
    const user = await signIn({ tier: "pro" });
    const response = await call(PATH, { headers: user.headers });
    expect(response.status).toBe(403);
    expect(await bodyOf(response)).toEqual(errorShape("insufficient_role"));
  });

  it("an admin's API key → 403: keys never carry the admin role", async () => {
    const admin = await signIn({ tier: "admin", role: "admin" });
    const { secret } = await createKey(admin);
    const response = await call(PATH, { headers: { "X-API-Key": secret } });
    expect(response.status).toBe(403);
  });

  it("anonymous → 401", async () => {
    const response = await call(PATH, { headers: { "CF-Connecting-IP": randomIp() } });
    expect(response.status).toBe(401);
    expect(await bodyOf(response)).toEqual(errorShape("unauthorized"));
  });

  it("the right X-Admin-Key → 200", async () => {
    const response = await call(PATH, { headers: { "X-Admin-Key": adminKey(), "CF-Connecting-IP": randomIp() } });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toMatchObject({ users: expect.any(Object), apiKeys: expect.any(Object) });
  });

  it.each([
    ["a wrong key", "not-the-admin-key-but-long-enough-to-look-real"],
    ["the right key with one character changed", () => `${adminKey().slice(0, -1)}x`],
    ["the right key with a suffix", () => `${adminKey()}0`],
    ["an empty key", ""],
  ])("%s → 401, and no fallback to the caller's session", async (_, key) => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const admin = await signIn({ tier: "admin", role: "admin" });
    const value = typeof key === "function" ? key() : key;
    const response = await call(PATH, {
      headers: { ...admin.headers, "X-Admin-Key": value, "CF-Connecting-IP": randomIp() },
    });
    expect(response.status).toBe(401);
    expect(await bodyOf(response)).toEqual(errorShape("unauthorized"));
  });

  it("X-Admin-Key is ignored by endpoints that do not accept it", async () => {
    const response = await call("/api/me", { headers: { "X-Admin-Key": adminKey(), "CF-Connecting-IP": randomIp() } });
    expect(response.status).toBe(401);
  });

  it("the limiter's store down → admin key attempts are refused (503), an admin session still passes", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = () => Promise.reject(new Error("KV unavailable"));
    const brokenKv = { get: failing, put: failing, delete: failing, list: failing, getWithMetadata: failing };
    const down = { RATE_LIMIT: brokenKv as unknown as KVNamespace };
    const keyed = await call(PATH, { headers: { "X-Admin-Key": adminKey(), "CF-Connecting-IP": randomIp() } }, down);
    expect(keyed.status).toBe(503);
    const admin = await signIn({ tier: "admin", role: "admin" });
    expect((await call(PATH, { headers: admin.headers }, down)).status).toBe(200);
  });

  it(`admin key guesses are limited to ${ADMIN_KEY_ATTEMPTS_PER_MINUTE} a minute per IP, the right key included`, async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / 60_000) * 60_000 + 1_000);
    const ip = randomIp();
    const guess = (key: string) => call(PATH, { headers: { "X-Admin-Key": key, "CF-Connecting-IP": ip } });
    for (let attempt = 0; attempt < ADMIN_KEY_ATTEMPTS_PER_MINUTE; attempt++) {
      expect((await guess(`guess-${attempt}`)).status).toBe(401);
    }
    const limited = await guess(adminKey());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    vi.setSystemTime(Date.now() + 60_000);
    expect((await guess(adminKey())).status).toBe(200);
  });

  it("admin key guesses from one IPv6 /64 count together, however many addresses they use", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / 60_000) * 60_000 + 1_000);
    const network = randomIp().replace(/::1$/, "");
    const from = (attempt: number) => `${network}:${attempt.toString(16)}::${attempt + 1}`;
    for (let attempt = 0; attempt < ADMIN_KEY_ATTEMPTS_PER_MINUTE; attempt++) {
      const guess = await call(PATH, {
        headers: { "X-Admin-Key": `guess-${attempt}`, "CF-Connecting-IP": from(attempt) },
      });
      expect(guess.status).toBe(401);
    }
    const next = await call(PATH, { headers: { "X-Admin-Key": adminKey(), "CF-Connecting-IP": from(999) } });
    expect(next.status).toBe(429);
  });
});

describe("GET /api/admin/metrics — numbers from Postgres", () => {
  // Other test files write to the same database at the same time: through HTTP, assert what they
  // cannot disturb (our rows are counted); the exact windows are checked below at a future `now`.
  // The counts are global and other files run beside this one (revoking keys, deleting or demoting
  // users), so a concurrent decrement can hide this test's increment: retried, never loosened.
  it("counts a new user, their active and revoked keys, and their failed job with its reason", {
    retry: 3,
  }, async () => {
    const read = async () => bodyOf(await call(PATH, { headers: { "X-Admin-Key": adminKey() } }));
    const before = await read();
    const pro = await signIn({ tier: "pro" });
    await createKey(pro);
    const revoked = await createKey(pro);
    expect((await call(`/api/keys/${revoked.key.id}`, { method: "DELETE", headers: pro.headers })).status).toBe(200);
    const reason = `source exploded ${crypto.randomUUID()}`;
    const [job] = await withDatabase((db) =>
      db
        .insert(compilations)
        .values({ userId: pro.userId, kind: "async", status: "failed", error: reason, attempts: 6 })
        .returning(),
    );

    const after = await read();
    expect(after.users.total).toBeGreaterThanOrEqual(before.users.total + 1);
    expect(after.users.byTier.pro).toBeGreaterThanOrEqual((before.users.byTier.pro ?? 0) + 1);
    expect(after.apiKeys.active).toBeGreaterThanOrEqual(before.apiKeys.active + 1);
    expect(after.apiKeys.revoked).toBeGreaterThanOrEqual(before.apiKeys.revoked + 1);
    expect(after.compilations.last24h.byKind.async.failed).toBeGreaterThanOrEqual(1);
    expect(after.failedJobs.recent).toContainEqual(expect.objectContaining({ id: job.id, error: reason, attempts: 6 }));
  });

  it("windows: 24 h and 30 d by kind and status, failures grouped by reason (summarizeMetrics at a future now)", async () => {
    // A `now` years ahead: only the rows placed relative to it fall inside its windows.
    const now = new Date(Date.now() + 5 * 365 * DAY_MS);
    const at = (ms: number) => new Date(now.getTime() - ms);
    const account = await signIn();
    const reason = `quota exceeded ${crypto.randomUUID()}`;
    await withDatabase((db) =>
      db.insert(compilations).values([
        { userId: account.userId, kind: "sync", status: "succeeded", createdAt: at(60_000) },
        { userId: account.userId, kind: "sync", status: "failed", error: reason, createdAt: at(2 * 60_000) },
        {
          userId: account.userId,
          kind: "async",
          status: "failed",
          error: reason,
          attempts: 6,
          createdAt: at(2 * DAY_MS),
        },
        { userId: account.userId, kind: "batch", status: "succeeded", createdAt: at(10 * DAY_MS) },
        { userId: account.userId, kind: "stream", status: "succeeded", createdAt: at(31 * DAY_MS) },
      ]),
    );
    const summary = await withDatabase((db) => summarizeMetrics(db, now));
    expect(summary.compilations.last24h).toEqual({
      total: 2,
      byStatus: { succeeded: 1, failed: 1 },
      byKind: { sync: { succeeded: 1, failed: 1 } },
    });
    expect(summary.compilations.last30d).toEqual({
      total: 4,
      byStatus: { succeeded: 2, failed: 2 },
      byKind: { sync: { succeeded: 1, failed: 1 }, async: { failed: 1 }, batch: { succeeded: 1 } },
    });
    expect(summary.failedJobs.last30d).toBe(1);
    expect(summary.failedJobs.reasons).toEqual([{ reason, count: 2 }]);
    expect(summary.failedJobs.recent).toEqual([expect.objectContaining({ kind: "async", error: reason, attempts: 6 })]);
  });
});
