import { afterEach, describe, expect, it, vi } from "vitest";
import { call, errorShape } from "./helpers";

afterEach(() => vi.restoreAllMocks());

describe("unknown paths", () => {
  it.each(["GET", "POST", "DELETE"])("%s /api/does-not-exist → JSON 404 in the error shape", async (method) => {
    const response = await call("/api/does-not-exist", { method });
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(await response.json()).toEqual(errorShape("not_found"));
  });

  it("an unknown page → styled HTML 404", async () => {
    const response = await call("/no/such/page");
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("Page not found");
    expect(html).toContain('href="/build/');
  });

  it("a method a resource route does not handle → JSON 405", async () => {
    const response = await call("/api/health", { method: "POST" });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual(errorShape("method_not_allowed"));
  });
});

describe("configuration errors", () => {
  it("a missing variable → 500 page; the logs name it, the client does not see it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call("/", {}, { CLERK_WEBHOOK_SECRET: undefined });
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain("Something went wrong");
    expect(html).not.toContain("CLERK_WEBHOOK_SECRET");
    expect(logged.mock.calls.flat().join(" ")).toContain("CLERK_WEBHOOK_SECRET");
  });

  it("a malformed variable on an API path → JSON 500 that does not name it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call("/api/version", {}, { DATABASE_URL: "mysql://nope" });
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual(errorShape("internal_error"));
    expect(body).not.toContain("DATABASE_URL");
    expect(logged.mock.calls.flat().join(" ")).toMatch(/DATABASE_URL: expected a postgres:\/\/ URL/);
  });

  it("production refuses to start with the development signing key", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call("/api/version", {}, { ENVIRONMENT: "production", NEON_WS_PROXY: undefined });
    expect(response.status).toBe(500);
    expect(logged.mock.calls.flat().join(" ")).toContain("DEV_JWT_PRIVATE_KEY: must not be set in production");
  });
});
