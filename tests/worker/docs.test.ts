import { describe, expect, it } from "vitest";
import { bodyOf, call, ORIGIN } from "./helpers";

describe("API documentation", () => {
  it("GET /api/openapi.json → an OpenAPI 3.1 document naming this server", async () => {
    const response = await call("/api/openapi.json");
    expect(response.status).toBe(200);
    const document = await bodyOf(response);
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers).toEqual([{ url: ORIGIN }]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/api/compile", "/api/compile/async", "/api/keys", "/api/queue/results/{id}"]),
    );
  });

  it("GET /docs renders a curl example for every endpoint, with this server's origin", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const path of [
      "/api/compile",
      "/api/compile/stream",
      "/api/compile/batch",
      "/api/compile/async",
      "/api/keys",
    ]) {
      expect(html).toContain(`${ORIGIN}${path}`);
    }
    expect(html).toContain("RateLimit-Limit");
  });
});
