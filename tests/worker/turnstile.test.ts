/** Turnstile on compile POSTs, against the local siteverify stub that mimics Cloudflare's test secrets. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TURNSTILE_DUMMY_TOKEN, TURNSTILE_TEST_SECRETS } from "../../scripts/lib/turnstile-stub.mjs";
import { createKey, jsonBody, randomIp, signIn } from "./accounts";
import { configuration, preFetchedContent } from "./compile-fixtures";
import { bodyOf, call, inject } from "./helpers";

afterEach(() => vi.restoreAllMocks());

const compile = (body: Record<string, unknown>, headers: Record<string, string> = {}, bindings = {}) =>
  call(
    "/api/compile",
    {
      method: "POST",
      ...jsonBody(
        { configuration: configuration(), preFetchedContent, ...body },
        { "CF-Connecting-IP": randomIp(), ...headers },
      ),
    },
    bindings,
  );

const passedGuard = (response: Response) => expect(response.status).toBe(200);

describe("Turnstile on POST /api/compile", () => {
  it("the dummy token with the always-pass secret passes, from the body or the header", async () => {
    passedGuard(await compile({ turnstileToken: TURNSTILE_DUMMY_TOKEN }));
    passedGuard(await compile({}, { "CF-Turnstile-Response": TURNSTILE_DUMMY_TOKEN }));
  });

  it("a missing token → 403 turnstile_failed", async () => {
    const response = await compile({});
    expect(response.status).toBe(403);
    expect(await bodyOf(response)).toEqual({
      error: { code: "turnstile_failed", message: expect.stringContaining("required") },
    });
  });

  it.each([
    ["always-fail", TURNSTILE_TEST_SECRETS.fail],
    ["already-spent", TURNSTILE_TEST_SECRETS.spent],
  ])("the %s secret → 403", async (_, secret) => {
    const response = await compile({ turnstileToken: TURNSTILE_DUMMY_TOKEN }, {}, { TURNSTILE_SECRET_KEY: secret });
    expect(response.status).toBe(403);
    expect((await bodyOf(response)).error.code).toBe("turnstile_failed");
  });

  it("the verifier down → 503, never a pass", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await compile(
      { turnstileToken: TURNSTILE_DUMMY_TOKEN },
      {},
      { TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/turnstile/v0/siteverify" },
    );
    expect(response.status).toBe(503);
    expect((await bodyOf(response)).error.code).toBe("turnstile_unavailable");
  });

  it("signed-in users are not exempt", async () => {
    const account = await signIn({ tier: "pro" });
    const response = await compile({}, account.headers);
    expect(response.status).toBe(403);
    passedGuard(await compile({ turnstileToken: TURNSTILE_DUMMY_TOKEN }, account.headers));
  });

  it("API-key callers are exempt", async () => {
    const account = await signIn();
    const { secret } = await createKey(account, { name: "script", scopes: ["compile"] });
    passedGuard(await compile({}, { Authorization: `Bearer ${secret}` }));
  });
});

describe("public configuration", () => {
  it("GET /api/turnstile-config → the site key", async () => {
    const response = await call("/api/turnstile-config");
    expect(await bodyOf(response)).toEqual({ siteKey: inject("testBindings").TURNSTILE_SITE_KEY, enabled: true });
  });

  it("GET /api/clerk-config → the publishable key", async () => {
    const response = await call("/api/clerk-config");
    expect(await bodyOf(response)).toEqual({ publishableKey: inject("testBindings").CLERK_PUBLISHABLE_KEY });
  });
});
