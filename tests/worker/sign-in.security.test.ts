/**
 * Sign-in: where it may send people afterwards (same-origin paths only, decided on the path the
 * browser will follow), and where the development sign-in exists at all (ENVIRONMENT=development
 * and a loopback host — the dev stack — never a deployment that merely is not "production").
 */
import { describe, expect, it } from "vitest";
import { signIn } from "./accounts";
import { call } from "./helpers";

const OPEN_REDIRECTS = [
  "//evil.example/x",
  "/.//evil.example/x",
  "/%2e//evil.example/x",
  "/%2E%2E//evil.example/x",
  "/a/..//evil.example/x",
  "/./\\evil.example/x",
  "/\\evil.example/x",
  "/\t/evil.example/x",
  "https://evil.example/x",
  "dashboard",
];

/** The dev stack as `npm run dev` runs it: ENVIRONMENT=development, reached on localhost. */
const DEV_STACK = { ENVIRONMENT: "development" };
const LOCAL = "http://localhost";

const devSignIn = (origin: string, fields: Record<string, string>, bindings: Record<string, unknown> = DEV_STACK) =>
  call(
    `${origin}/sign-in`,
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: origin },
      body: new URLSearchParams({ tier: "free", role: "user", ...fields }).toString(),
    },
    bindings,
  );

const freshEmail = () => `dev-${crypto.randomUUID()}@example.com`;

describe("after sign-in, only same-origin paths", () => {
  it.each(OPEN_REDIRECTS)("signed in, redirect_url=%j → /dashboard", async (target) => {
    const account = await signIn();
    const response = await call(`/sign-in?redirect_url=${encodeURIComponent(target)}`, {
      headers: { Cookie: account.cookie },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/dashboard");
  });

  it("a same-origin path is kept, normalised", async () => {
    const account = await signIn();
    const response = await call(`/sign-in?redirect_url=${encodeURIComponent("/dashboard/./jobs?page=2#top")}`, {
      headers: { Cookie: account.cookie },
    });
    expect(response.headers.get("Location")).toBe("/dashboard/jobs?page=2#top");
  });

  it.each(OPEN_REDIRECTS)("the dev sign-in form's redirectUrl=%j → /dashboard", async (target) => {
    const response = await devSignIn(LOCAL, { email: freshEmail(), redirectUrl: target });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/dashboard");
  });
});

describe("the development sign-in exists only on the dev stack", () => {
  it.each(["http://localhost", "http://127.0.0.1:8787", "http://[::1]:8787", "http://bloqr.localhost"])(
    "ENVIRONMENT=development on %s → signs in",
    async (origin) => {
      const response = await devSignIn(origin, { email: freshEmail() });
      expect(response.status).toBe(302);
      expect(response.headers.getSetCookie().join("\n")).toMatch(/__session=ey/);
    },
  );

  it.each([
    ["ENVIRONMENT=development on a public host", "https://bloqr.test", DEV_STACK],
    ["ENVIRONMENT=development on a LAN address", "http://192.168.1.20:8787", DEV_STACK],
    ["ENVIRONMENT=test on localhost", LOCAL, { ENVIRONMENT: "test" }],
  ])("%s → 404, no cookie", async (_label, origin, bindings) => {
    const response = await devSignIn(origin, { email: freshEmail(), tier: "admin", role: "admin" }, bindings);
    expect(response.status).toBe(404);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("the sign-in page offers the development form on localhost only", async () => {
    const local = await (await call(`${LOCAL}/sign-in`, {}, DEV_STACK)).text();
    expect(local).toContain("Development sign-in");
    const elsewhere = await (await call("https://bloqr.test/sign-in", {}, DEV_STACK)).text();
    expect(elsewhere).not.toContain("Development sign-in");
  });
});
