/**
 * CSRF: a browser sends cookies with cross-site requests on its own, so every state-changing
 * request that a cookie can authenticate must prove it is same-origin (Sec-Fetch-Site / Origin).
 * Pages: every route file that exports an action (sign-in, sign-out, and any dashboard action,
 * found from the route files). API: every non-GET endpoint called with the session cookie.
 * Headers a script sets itself (Authorization, X-API-Key) are not ambient, so those calls pass.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "~/db/schema";
import { createKey, jsonBody, randomIp, signIn, withDatabase } from "../worker/accounts";
import { bodyOf, call, ORIGIN } from "../worker/helpers";
import { API_ENDPOINTS, PAGE_ROUTES, validBody } from "./routes";

/** What forged requests look like, from an old browser to a current one to a sandboxed frame. */
const CROSS_SITE: Record<string, Record<string, string>> = {
  "Sec-Fetch-Site: cross-site": { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
  "Sec-Fetch-Site: same-site (a sibling subdomain)": { "Sec-Fetch-Site": "same-site", Origin: "https://x.bloqr.test" },
  "no Sec-Fetch-Site, a foreign Origin": { Origin: "https://evil.example" },
  "Origin: null (sandboxed frame, cross-site redirect)": { "Sec-Fetch-Site": "same-origin", Origin: "null" },
  "same-origin claimed, a foreign Origin": { "Sec-Fetch-Site": "same-origin", Origin: "https://evil.example" },
  "neither header (not a browser we can trust)": {},
};
const SAME_ORIGIN = { "Sec-Fetch-Site": "same-origin", Origin: ORIGIN };

const form = (fields: Record<string, string>) => ({
  "Content-Type": "application/x-www-form-urlencoded",
  body: new URLSearchParams(fields).toString(),
});

const pageActions = PAGE_ROUTES.filter((page) => page.hasAction);

describe("page actions", () => {
  it("the route files' actions include sign-in and sign-out", () => {
    expect(pageActions.map((page) => page.url)).toEqual(expect.arrayContaining(["/sign-in", "/sign-out"]));
  });

  describe.each(Object.entries(CROSS_SITE))("%s", (_, forged) => {
    it.each(pageActions.map((page) => [page.url, page] as const))(
      "POST %s → 403 page, the action does not run",
      async (url) => {
        const account = await signIn();
        const { body, ...type } = form({ email: "victim@example.com", tier: "admin", role: "admin" });
        const response = await call(url, {
          method: "POST",
          headers: { ...forged, ...type, Cookie: account.cookie },
          body,
        });
        expect(response.status).toBe(403);
        expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
        expect(response.headers.getSetCookie()).toEqual([]);
      },
    );
  });

  it.each(["PUT", "PATCH", "DELETE"])("%s from another site → 403 as well", async (method) => {
    for (const page of pageActions) {
      const response = await call(page.url, { method, headers: CROSS_SITE["Sec-Fetch-Site: cross-site"] });
      expect(response.status, page.url).toBe(403);
    }
  });

  it("a cross-site sign-in (login CSRF) sets no cookie and creates no account", async () => {
    const email = `forced-${crypto.randomUUID()}@example.com`;
    const { body, ...type } = form({ email, tier: "admin", role: "admin" });
    const response = await call("/sign-in", {
      method: "POST",
      headers: { ...CROSS_SITE["Sec-Fetch-Site: cross-site"], ...type },
      body,
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    const rows = await withDatabase((db) => db.select().from(users).where(eq(users.email, email)));
    expect(rows).toEqual([]);
  });

  // The development sign-in exists on the dev stack only: ENVIRONMENT=development on localhost.
  it("same-origin: sign-in signs in, sign-out clears the session", async () => {
    const local = "http://localhost";
    const devStack = { ENVIRONMENT: "development" };
    const email = `real-${crypto.randomUUID()}@example.com`;
    const { body, ...type } = form({ email, tier: "free", role: "user" });
    const sameOrigin = { "Sec-Fetch-Site": "same-origin", Origin: local };
    const signedIn = await call(
      `${local}/sign-in`,
      { method: "POST", headers: { ...sameOrigin, ...type }, body },
      devStack,
    );
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.getSetCookie().join("\n")).toMatch(/__session=ey/);

    const signedOut = await call(`${local}/sign-out`, { method: "POST", headers: sameOrigin }, devStack);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.getSetCookie().join("\n")).toMatch(/__session=;.*Max-Age=0/);
  });

  it("a browser's own navigation (Sec-Fetch-Site: none, no Origin) may post", async () => {
    const response = await call("/sign-out", { method: "POST", headers: { "Sec-Fetch-Site": "none" } });
    expect(response.status).toBe(302);
  });
});

const stateChanging = API_ENDPOINTS.filter((endpoint) => endpoint.method !== "GET" && endpoint.auth !== "webhook");

describe("API calls authenticated by the session cookie", () => {
  describe.each(Object.entries(CROSS_SITE))("%s", (_, forged) => {
    it.each(stateChanging.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint] as const))(
      "%s → 403 csrf_failed",
      async (_label, endpoint) => {
        const account = await signIn();
        const response = await call(endpoint.path, {
          method: endpoint.method,
          ...jsonBody(validBody(endpoint, {}), { ...forged, Cookie: account.cookie, "CF-Connecting-IP": randomIp() }),
        });
        expect(response.status).toBe(403);
        expect(await bodyOf(response)).toEqual({ error: { code: "csrf_failed", message: expect.any(String) } });
      },
    );
  });

  it("a forged key creation leaves the account without a new key", async () => {
    const account = await signIn();
    await call("/api/keys", {
      method: "POST",
      ...jsonBody(
        { name: "planted" },
        { ...CROSS_SITE["no Sec-Fetch-Site, a foreign Origin"], Cookie: account.cookie },
      ),
    });
    const { keys } = await bodyOf(await call("/api/keys", { headers: account.headers }));
    expect(keys).toEqual([]);
  });

  it("same-origin with the cookie → allowed", async () => {
    const account = await signIn();
    const response = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "mine" }, { ...SAME_ORIGIN, Cookie: account.cookie }),
    });
    expect(response.status).toBe(201);
  });

  it("an API key is not ambient: cross-site is fine", async () => {
    const account = await signIn();
    const forged = CROSS_SITE["Sec-Fetch-Site: cross-site"];
    const { secret } = await createKey(account, { name: "writer", scopes: ["keys:read", "keys:write"] });
    const keyed = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "ci", scopes: ["keys:read"] }, { ...forged, "X-API-Key": secret }),
    });
    expect(keyed.status).toBe(201);
  });

  it("a Bearer session token is bound to its azp: without an Origin fine, from another origin → 401", async () => {
    const account = await signIn();
    const script = await call("/api/keys", { method: "POST", ...jsonBody({ name: "script" }, account.headers) });
    expect(script.status).toBe(201);
    const forged = CROSS_SITE["Sec-Fetch-Site: cross-site"];
    const elsewhere = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "replayed" }, { ...forged, ...account.headers }),
    });
    expect(elsewhere.status).toBe(401);
  });

  it("reads (GET) with the cookie are not refused as CSRF: they change nothing", async () => {
    const account = await signIn();
    // A cross-site navigation (a link) carries no Origin.
    const navigation = await call("/api/me", {
      headers: { "Sec-Fetch-Site": "cross-site", Cookie: account.cookie },
    });
    expect(navigation.status).toBe(200);
    // A cross-site fetch does, and the token's azp is not that origin.
    const fetched = await call("/api/me", {
      headers: { ...CROSS_SITE["Sec-Fetch-Site: cross-site"], Cookie: account.cookie },
    });
    expect(fetched.status).toBe(401);
  });
});
