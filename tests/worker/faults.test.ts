/**
 * What users see when Postgres fails: refusing connections (stopped) or accepting them and never
 * answering (hung). Faults are injected through the DATABASE_URL binding; everything else is real.
 * The limiter's store failing is in rate-limit.test.ts ("limiter store failure"), the Turnstile
 * verifier failing in turnstile.test.ts ("the verifier down → 503"), a crashed queue consumer in
 * queue.crash.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createKey, signIn } from "./accounts";
import { bodyOf, inject, timedCall } from "./helpers";

// The user-facing promise: an answer within 2 s, whatever the database does.
const ANSWER_WITHIN_MS = 2_000;

const databases = () => [
  { name: "refusing connections", DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" },
  { name: "accepting connections but never answering", DATABASE_URL: inject("hangingDatabaseUrl") },
];

afterEach(() => vi.restoreAllMocks());

describe.each(databases().map((database) => [database.name, database] as const))("Postgres %s", (_, database) => {
  const down = { DATABASE_URL: database.DATABASE_URL };

  it("a signed-in page → the styled 500 page, with security headers, within 2 s", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const account = await signIn();
    const { response, responseMs } = await timedCall("/dashboard", { headers: { Cookie: account.cookie } }, down);
    expect(response.status).toBe(500);
    expect(responseMs).toBeLessThan(ANSWER_WITHIN_MS);
    const html = await response.text();
    expect(html).toContain("Something went wrong");
    expect(html).not.toMatch(/\bat \S+ \(|Failed query|params:/);
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
  });

  it("pages that need no database still render", async () => {
    for (const path of ["/", "/docs", "/sign-in"]) {
      const { response, responseMs } = await timedCall(path, {}, down);
      expect(response.status, path).toBe(200);
      expect(responseMs).toBeLessThan(ANSWER_WITHIN_MS);
    }
  });

  it("GET /api/health → 503 degraded within 2 s", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { response, responseMs } = await timedCall("/api/health", {}, down);
    expect(response.status).toBe(503);
    expect(responseMs).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await bodyOf(response)).toMatchObject({ status: "degraded", db: "down" });
  });

  it("an API call that needs the database → JSON 500 in the error shape within 2 s, no details", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const account = await signIn();
    const { secret } = await createKey(account);
    const { response, responseMs } = await timedCall("/api/me", { headers: { "X-API-Key": secret } }, down);
    expect(response.status).toBe(500);
    expect(responseMs).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await bodyOf(response)).toEqual({ error: { code: "internal_error", message: expect.any(String) } });
  });
});
