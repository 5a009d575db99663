/**
 * Security headers on every response: each page (found from the route files) for each kind of
 * visitor, the error pages (404, 403, the error boundary's 500, the standalone 500, 403 and 413),
 * redirects, loader data, and every API endpoint including its errors.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { clerkFrontendApiOrigin } from "~/services/clerk-instance.server";
import { randomIp, signIn, type TestAccount } from "../worker/accounts";
import { call, inject } from "../worker/helpers";
import { API_ENDPOINTS, API_ROUTE_FILES, PAGE_ROUTES } from "./routes";

const HSTS = "max-age=31536000; includeSubDomains";
const TURNSTILE = "https://challenges.cloudflare.com";
// Features no page of ours may use, whatever else the policy lists.
const DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb"];

afterEach(() => vi.restoreAllMocks());

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name, values]),
  );
}

/** The full set every HTML document must carry, and a nonce on every script in it. */
async function expectDocumentHeaders(response: Response, label: string) {
  const { headers } = response;
  expect(headers.get("Content-Type"), label).toMatch(/^text\/html/);
  const csp = directives(headers.get("Content-Security-Policy") ?? "");
  expect(csp.get("default-src"), label).toEqual(["'self'"]);
  expect(csp.get("frame-ancestors"), label).toEqual(["'none'"]);
  expect(csp.get("object-src"), label).toEqual(["'none'"]);
  expect(csp.get("base-uri"), label).toEqual(["'self'"]);
  expect(csp.get("form-action"), label).toEqual(["'self'"]);

  const scriptSources = csp.get("script-src") ?? [];
  const nonces = scriptSources.filter((source) => source.startsWith("'nonce-"));
  expect(nonces, label).toHaveLength(1);
  const instanceClerk = clerkFrontendApiOrigin(inject("testBindings").CLERK_PUBLISHABLE_KEY);
  expect(instanceClerk).toBe("https://clerk.bloqr.localhost");
  const allowed = new Set(["'self'", TURNSTILE, instanceClerk]);
  // Scripts only from ourselves (with the nonce), this instance's Clerk Frontend API and Turnstile:
  // no inline, no eval, no wildcards (not even over Clerk's hosts, which serve every tenant).
  expect(
    scriptSources.filter((source) => !allowed.has(source) && !source.startsWith("'nonce-")),
    label,
  ).toEqual([]);
  for (const directive of ["connect-src", "frame-src"]) {
    expect(
      csp.get(directive)?.filter((source) => source.includes("*")),
      `${label} ${directive}`,
    ).toEqual([]);
  }

  expect(headers.get("Strict-Transport-Security"), label).toBe(HSTS);
  expect(headers.get("X-Content-Type-Options"), label).toBe("nosniff");
  expect(headers.get("Referrer-Policy"), label).toBe("strict-origin-when-cross-origin");
  expect(headers.get("X-Frame-Options"), label).toBe("DENY");
  const permissions = headers.get("Permissions-Policy") ?? "";
  for (const feature of DENIED_FEATURES) expect(permissions, label).toContain(`${feature}=()`);
  expect(headers.get("Cache-Control"), label).toBe("private, no-store");

  const nonce = nonces[0].slice("'nonce-".length, -1);
  const html = await response.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  for (const script of scripts) expect(script, label).toContain(`nonce="${nonce}"`);
  return html;
}

/** Not a document (redirects, loader data): still HTTPS-only, unsniffed, never cached. */
function expectPrivateHeaders(response: Response, label: string) {
  expect(response.headers.get("Strict-Transport-Security"), label).toBe(HSTS);
  expect(response.headers.get("X-Content-Type-Options"), label).toBe("nosniff");
  expect(response.headers.get("Cache-Control"), label).toBe("private, no-store");
  expect(response.headers.get("Referrer-Policy"), label).toBe("strict-origin-when-cross-origin");
}

function expectApiHeaders(response: Response, label: string) {
  expect(response.headers.get("X-Content-Type-Options"), label).toBe("nosniff");
  expect(response.headers.get("Cache-Control"), label).toBe("no-store");
  expect(response.headers.get("Strict-Transport-Security"), label).toBe(HSTS);
}

const visitors: Record<string, () => Promise<Record<string, string>>> = {
  anonymous: async () => ({}),
  user: async () => ({ Cookie: (await signIn()).cookie }),
  admin: async () => ({ Cookie: (await signIn({ tier: "admin", role: "admin" })).cookie }),
};

describe("every page, for every kind of visitor", () => {
  it("the route files yield the pages we know of (and any added later)", () => {
    const urls = PAGE_ROUTES.map((page) => page.url);
    for (const url of ["/", "/docs", "/sign-in", "/sign-out", "/dashboard", "/admin", "/no-such-page"]) {
      expect(urls).toContain(url);
    }
  });

  it.each(Object.keys(visitors))(
    "%s: documents carry the full set; redirects and downloads are private",
    async (visitor) => {
      const headers = await visitors[visitor]();
      for (const page of PAGE_ROUTES) {
        const label = `${visitor} GET ${page.url}`;
        const response = await call(page.url, { headers });
        expect(response.status, label).toBeLessThan(500);
        if (response.status >= 300 && response.status < 400) {
          expectPrivateHeaders(response, label);
          expect(response.headers.get("Location"), label).toMatch(/^\/(?!\/)/);
        } else if (/^text\/html/.test(response.headers.get("Content-Type") ?? "")) {
          await expectDocumentHeaders(response, label);
        } else {
          // A resource route outside /api (a download): not a document, still private.
          expectPrivateHeaders(response, label);
        }
      }
    },
  );

  it("nonces differ per request", async () => {
    const nonceOf = async () =>
      /'nonce-([^']+)'/.exec((await call("/")).headers.get("Content-Security-Policy") ?? "")?.[1];
    const seen = new Set(await Promise.all(Array.from({ length: 5 }, nonceOf)));
    expect(seen.size).toBe(5);
  });

  it("HEAD of a page carries the same headers", async () => {
    const response = await call("/", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("Strict-Transport-Security")).toBe(HSTS);
  });
});

describe("error pages", () => {
  let user: TestAccount;
  beforeAll(async () => {
    user = await signIn();
  });

  it("404 for an unknown page", async () => {
    const response = await call("/definitely/not/here");
    expect(response.status).toBe(404);
    expect(await expectDocumentHeaders(response, "404")).toContain("Page not found");
  });

  it("403 for a user on an admin page", async () => {
    const response = await call("/admin", { headers: { Cookie: user.cookie } });
    expect(response.status).toBe(403);
    await expectDocumentHeaders(response, "403");
  });

  it("503 when the database refuses a signed-in page (the standalone page, with Retry-After)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call(
      "/dashboard",
      { headers: { Cookie: user.cookie } },
      { DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
    expect(await expectDocumentHeaders(response, "database 503")).toContain("Temporarily unavailable");
  });

  it("the standalone 500 (configuration invalid, Remix never runs)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call("/", {}, { ADMIN_KEY: "too short" });
    expect(response.status).toBe(500);
    expect(await expectDocumentHeaders(response, "standalone 500")).toContain("Something went wrong");
  });

  it("the standalone 403 (a cross-site form post) and 413 (a form over 1 MB)", async () => {
    const crossSite = await call("/sign-out", { method: "POST", headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    await expectDocumentHeaders(crossSite, "csrf 403");
    const tooLarge = await call("/sign-in", {
      method: "POST",
      headers: { "Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded" },
      body: `email=${"a".repeat(1024 * 1024)}`,
    });
    expect(tooLarge.status).toBe(413);
    await expectDocumentHeaders(tooLarge, "form 413");
  });

  it("redirects: signed out → sign-in, sign-out, signed in → dashboard", async () => {
    for (const [path, headers] of [
      ["/dashboard", {}],
      ["/admin", {}],
      ["/sign-out", {}],
      ["/sign-in", { Cookie: user.cookie }],
    ] as const) {
      const response = await call(path, { headers });
      expect(response.status, path).toBe(302);
      expectPrivateHeaders(response, `redirect ${path}`);
    }
  });

  it("loader data for client navigation (?_data) is private and unsniffed", async () => {
    const response = await call("/dashboard?_data=routes%2Fdashboard._index", { headers: { Cookie: user.cookie } });
    expect(response.status).toBeLessThan(500);
    expectPrivateHeaders(response, "_data");
  });
});

describe("every API endpoint, success and error alike", () => {
  it("the catalogue names every API route file", () => {
    const catalogued = new Set(API_ENDPOINTS.map((endpoint) => endpoint.file));
    expect(API_ROUTE_FILES.filter((file) => !catalogued.has(file))).toEqual([]);
  });

  it.each(API_ENDPOINTS.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint] as const))(
    "%s: nosniff and no-store, anonymous and signed in",
    async (label, endpoint) => {
      vi.spyOn(console, "warn").mockImplementation(() => {});
      const admin = await signIn({ tier: "admin", role: "admin" });
      for (const headers of [{}, admin.headers]) {
        const response = await call(endpoint.path, {
          method: endpoint.method,
          headers: { ...headers, "Content-Type": "application/json" },
          body: endpoint.body ? "{}" : undefined,
        });
        expect(response.status, label).toBeLessThan(500);
        expectApiHeaders(response, label);
      }
    },
  );

  it("errors: 401, 404, 405, 413, 415 and the configuration 500", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const json = { "Content-Type": "application/json" };
    const responses = [
      await call("/api/me", { headers: { Authorization: "Bearer nope" } }),
      await call("/api/nowhere"),
      await call("/api/health", { method: "DELETE" }),
      await call("/api/keys", {
        method: "POST",
        headers: { ...json, Authorization: `Bearer ${(await signIn()).token}` },
        body: `"${"x".repeat(1024 * 1024)}"`,
      }),
      await call("/api/compile", {
        method: "POST",
        headers: { "Content-Type": "text/plain", "CF-Connecting-IP": randomIp() },
        body: "{}",
      }),
      await call("/api/version", {}, { CLERK_SECRET_KEY: undefined }),
    ];
    expect(responses.map((response) => response.status)).toEqual([401, 404, 405, 413, 415, 500]);
    for (const response of responses) expectApiHeaders(response, `API ${response.status}`);
  });
});
