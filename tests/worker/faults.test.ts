/**
 * What users see when Postgres fails: refusing connections (stopped) or accepting them and never
 * answering (hung). Faults are injected through the DATABASE_URL binding; everything else is real.
 * The limiter's store failing is in rate-limit.test.ts ("limiter store failure"), the Turnstile
 * verifier failing in turnstile.test.ts ("the verifier down → 503"), a crashed queue consumer in
 * queue.crash.test.ts. The queue refusing messages is a fault injected through its binding.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createKey, jsonBody, signIn } from "./accounts";
import { newClerkUserId, svixHeaders, userEvent, WEBHOOK_PATH } from "./clerk-webhooks";
import { configuration, preFetchedContent } from "./compile-fixtures";
import { bodyOf, call, inject, timedCall } from "./helpers";

// The user-facing promise: an answer within 2 s, whatever the database does.
const ANSWER_WITHIN_MS = 2_000;

const databases = () => [
  { name: "refusing connections", DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" },
  { name: "accepting connections but never answering", DATABASE_URL: inject("hangingDatabaseUrl") },
];

afterEach(() => vi.restoreAllMocks());

describe.each(databases().map((database) => [database.name, database] as const))("Postgres %s", (_, database) => {
  const down = { DATABASE_URL: database.DATABASE_URL };

  it("a signed-in page → the styled 503 page with Retry-After and security headers, within 2 s", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const account = await signIn();
    const { response, responseMs } = await timedCall("/dashboard", { headers: { Cookie: account.cookie } }, down);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
    expect(responseMs).toBeLessThan(ANSWER_WITHIN_MS);
    const html = await response.text();
    expect(html).toContain("Temporarily unavailable");
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

  it("an API call that needs the database → JSON 503 with Retry-After in the error shape within 2 s, no details", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const account = await signIn();
    const { secret } = await createKey(account);
    const { response, responseMs } = await timedCall("/api/me", { headers: { "X-API-Key": secret } }, down);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
    expect(responseMs).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await bodyOf(response)).toEqual({
      error: { code: "service_unavailable", message: "The database is unavailable right now; try again shortly." },
    });
  });

  it("a Clerk webhook → 503 within 2 s, so Svix delivers it again later", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const payload = JSON.stringify(userEvent("user.created", { id: newClerkUserId() }));
    const { response, responseMs } = await timedCall(
      WEBHOOK_PATH,
      { method: "POST", headers: svixHeaders(payload), body: payload },
      down,
    );
    expect(response.status).toBe(503);
    expect(responseMs).toBeLessThan(ANSWER_WITHIN_MS);
  });
});

describe("the compile queue refusing messages", () => {
  it("POST /api/compile/async → 503 with Retry-After, and the job is marked failed, not left queued", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = () => Promise.reject(new Error("queue unavailable"));
    const brokenQueue = { send: failing, sendBatch: failing } as unknown as Queue;
    const account = await signIn();
    const { secret } = await createKey(account, { name: "async", scopes: ["compile:async"] });
    const response = await call(
      "/api/compile/async",
      { method: "POST", ...jsonBody({ configuration: configuration(), preFetchedContent }, { "X-API-Key": secret }) },
      { COMPILE_QUEUE: brokenQueue },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("10");
    expect(await bodyOf(response)).toEqual({ error: { code: "service_unavailable", message: expect.any(String) } });
    const { jobs } = await bodyOf(await call("/api/compile/jobs", { headers: account.headers }));
    expect(jobs).toEqual([expect.objectContaining({ kind: "async", status: "failed", error: expect.any(String) })]);
  });
});
