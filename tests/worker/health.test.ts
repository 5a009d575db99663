import { describe, expect, it } from "vitest";
import { call, inject, timedCall } from "./helpers";

describe("GET /api/health", () => {
  it("runs select 1 against the real database → 200 ok", async () => {
    const response = await call("/api/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ status: "ok", db: "ok" });
  });

  it("database refusing connections → 503 degraded", async () => {
    const response = await call(
      "/api/health",
      {},
      { DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" },
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "degraded", db: "down" });
  });

  it("database that accepts but never answers → 503 within 2 s, no hang", async () => {
    const { response, responseMs } = await timedCall("/api/health", {}, { DATABASE_URL: inject("hangingDatabaseUrl") });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "degraded", db: "down" });
    expect(responseMs).toBeLessThan(2_000);
  });
});

describe("GET /api/version", () => {
  it("names the service, version and environment", async () => {
    const response = await call("/api/version");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      name: "bloqr",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      environment: "test",
    });
  });
});
