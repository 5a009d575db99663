/**
 * The tiered limiter through the real guard and real KV / Durable Object bindings. The clock is
 * Date faked inside the isolate, so a window passes without sleeping a minute.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TURNSTILE_DUMMY_TOKEN } from "../../scripts/lib/turnstile-stub.mjs";
import { createKey, jsonBody, randomIp, signIn } from "./accounts";
import { bodyOf, call, env } from "./helpers";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  // Early in a window, so a test never straddles a reset by accident.
  vi.setSystemTime(Math.ceil(Date.now() / 60_000) * 60_000 + 1_000);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const anonymousCompile = (ip: string, bindings = {}) =>
  call(
    "/api/compile",
    {
      method: "POST",
      ...jsonBody({ configuration: {}, turnstileToken: TURNSTILE_DUMMY_TOKEN }, { "CF-Connecting-IP": ip }),
    },
    bindings,
  );

async function statuses(count: number, send: () => Promise<Response>) {
  const seen: Response[] = [];
  for (let i = 0; i < count; i++) seen.push(await send());
  return seen;
}

describe("anonymous callers: 10 per minute by IP", () => {
  it("12 compiles → 10 pass, 2 are 429 with Retry-After; after the window they pass again", async () => {
    const ip = randomIp();
    const responses = await statuses(12, () => anonymousCompile(ip));
    const limited = responses.filter((response) => response.status === 429);
    expect(responses.length - limited.length).toBe(10);
    expect(limited).toHaveLength(2);
    for (const response of limited) {
      expect(response.headers.get("RateLimit-Limit")).toBe("10");
      expect(response.headers.get("RateLimit-Remaining")).toBe("0");
      expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(Number(response.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
      expect(await bodyOf(response)).toEqual({ error: { code: "rate_limited", message: expect.any(String) } });
    }
    expect(responses[0].headers.get("RateLimit-Remaining")).toBe("9");
    expect(responses[0].headers.get("X-RateLimit-Limit")).toBe("10");

    vi.setSystemTime(Date.now() + 60_000);
    const again = await anonymousCompile(ip);
    expect(again.status).not.toBe(429);
    expect(again.headers.get("RateLimit-Remaining")).toBe("9");
  });

  it("IPv6: thirty addresses of one /64 share one bucket of 10; the next /64 has its own", async () => {
    const network = randomIp().replace(/::1$/, "");
    const addresses = Array.from({ length: 30 }, (_, i) => `${network}:${(i + 1).toString(16)}:${i}:ab:${i + 7}`);
    const responses = [];
    for (const ip of addresses) responses.push(await anonymousCompile(ip));
    expect(responses.filter((response) => response.status !== 429)).toHaveLength(10);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(20);
    expect((await anonymousCompile(randomIp())).status).not.toBe(429);
  });

  it("another IP has its own bucket", async () => {
    const first = randomIp();
    await statuses(10, () => anonymousCompile(first));
    expect((await anonymousCompile(first)).status).toBe(429);
    expect((await anonymousCompile(randomIp())).status).not.toBe(429);
  });
});

describe("signed-in tiers", () => {
  it.each([
    ["free", 60],
    ["pro", 300],
  ] as const)("%s: %i requests pass, the next is 429", async (tier, limit) => {
    const account = await signIn({ tier });
    const responses = await statuses(limit + 1, () => call("/api/me", { headers: account.headers }));
    expect(responses.slice(0, limit).every((response) => response.status === 200)).toBe(true);
    expect(responses[limit].status).toBe(429);
    expect(responses[limit].headers.get("RateLimit-Limit")).toBe(String(limit));
  });

  it("admin: unlimited, and no limit headers", async () => {
    const account = await signIn({ tier: "admin", role: "admin" });
    const responses = await statuses(320, () => call("/api/me", { headers: account.headers }));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(responses[0].headers.get("RateLimit-Limit")).toBeNull();
  });
});

describe("API keys", () => {
  it("a key with limit 5 is limited at 5, while its owner's own bucket is not exhausted", async () => {
    const account = await signIn({ tier: "pro" });
    const { secret } = await createKey(account, { name: "five", scopes: ["compile"], rateLimitPerMinute: 5 });
    const responses = await statuses(6, () => call("/api/me", { headers: { "X-API-Key": secret } }));
    expect(responses.slice(0, 5).map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses[5].status).toBe(429);
    expect(responses[5].headers.get("RateLimit-Limit")).toBe("5");
    expect((await call("/api/me", { headers: account.headers })).status).toBe(200);
  });
});

describe("exact backend (Durable Object)", () => {
  it("50 concurrent anonymous requests → exactly 10 pass", async () => {
    const ip = randomIp();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => anonymousCompile(ip, { RATE_LIMIT_BACKEND: "durable-object" })),
    );
    expect(responses.filter((response) => response.status !== 429)).toHaveLength(10);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(40);
  });

  const exact = { RATE_LIMIT_BACKEND: "durable-object" };
  /** The window's count as the bucket's object keeps it. */
  async function countAtObject(bucket: string): Promise<number> {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(bucket));
    return (await (await stub.fetch(`https://rate-limiter.internal/used?now=${Date.now()}`)).json<{ used: number }>())
      .used;
  }

  it("an isolate takes a lease of a tenth of the limit: one object call per 6 requests of a free user, headers exact", async () => {
    const account = await signIn();
    const bucket = `ratelimit:user:${account.userId}`;
    const remaining: (string | null)[] = [];
    for (let index = 0; index < 7; index++) {
      const response = await call("/api/me", { headers: account.headers }, exact);
      expect(response.status).toBe(200);
      remaining.push(response.headers.get("RateLimit-Remaining"));
      // After the first request the object has granted 6; the seventh needed a second lease.
      if (index === 0) expect(await countAtObject(bucket)).toBe(6);
    }
    expect(remaining).toEqual(["59", "58", "57", "56", "55", "54", "53"]);
    expect(await countAtObject(bucket)).toBe(12);
  });

  it("leases never admit more than the limit: 61 requests of a free user → 60 pass, the 61st is 429", async () => {
    const account = await signIn();
    const responses = await statuses(61, () => call("/api/me", { headers: account.headers }, exact));
    expect(responses.slice(0, 60).every((response) => response.status === 200)).toBe(true);
    expect(responses[60].status).toBe(429);
    expect(responses[60].headers.get("RateLimit-Remaining")).toBe("0");
    expect(await countAtObject(`ratelimit:user:${account.userId}`)).toBe(60);
  });
});

describe("limiter store failure", () => {
  // Fault injection: a KV namespace whose every call fails, as during a KV incident.
  const failing = () => Promise.reject(new Error("KV unavailable"));
  const brokenKv = {
    get: failing,
    put: failing,
    delete: failing,
    list: failing,
    getWithMetadata: failing,
  } as unknown as KVNamespace;

  it("anonymous callers are refused with 503 (fail closed)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call(
      "/api/compile",
      { method: "POST", ...jsonBody({ configuration: {}, turnstileToken: TURNSTILE_DUMMY_TOKEN }) },
      { RATE_LIMIT: brokenKv },
    );
    expect(response.status).toBe(503);
  });

  it("signed-in callers pass (fail open)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const account = await signIn();
    const response = await call("/api/me", { headers: account.headers }, { RATE_LIMIT: brokenKv });
    expect(response.status).toBe(200);
  });
});
