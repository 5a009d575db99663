import { validate } from "@hyperjump/json-schema/openapi-3-1";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "~/api/openapi";

// The official OpenAPI 3.1 meta-schema (with the JSON Schema dialect check), bundled with the validator.
const OPENAPI_3_1 = "https://spec.openapis.org/oas/3.1/schema-base";

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1", async () => {
    const output = await validate(
      OPENAPI_3_1,
      JSON.parse(JSON.stringify(buildOpenApiDocument("https://bloqr.example.com"))),
      "DETAILED",
    );
    // On failure the DETAILED output lists each error with its location in the document.
    expect(output).toEqual({ valid: true });
  });

  it("the validator rejects a broken document (the test can fail)", async () => {
    const broken = { ...buildOpenApiDocument(), info: undefined, paths: { "/api/x": { get: { responses: 5 } } } };
    const output = await validate(OPENAPI_3_1, JSON.parse(JSON.stringify(broken)));
    expect(output.valid).toBe(false);
  });

  it("documents every compile endpoint with the request schema's fields", () => {
    const document = buildOpenApiDocument();
    for (const path of ["/api/compile", "/api/compile/stream", "/api/compile/batch", "/api/compile/async"]) {
      expect(document.paths).toHaveProperty([path, "post"]);
    }
    const compileRequest = document.components.schemas.CompileRequest as { properties: Record<string, unknown> };
    expect(Object.keys(compileRequest.properties).sort()).toEqual([
      "configuration",
      "explain",
      "outputFormat",
      "preFetchedContent",
      "turnstileToken",
    ]);
  });

  it("documents the published-list endpoints", () => {
    const document = buildOpenApiDocument();
    expect(document.paths).toHaveProperty(["/api/lists", "post"]);
    expect(document.paths).toHaveProperty(["/api/lists/{id}/diff", "get"]);
    expect(document.paths).toHaveProperty(["/api/lists/{id}/webhooks", "post"]);
    expect(Object.keys(document.components.schemas)).toContain("PublishedList");
  });

  it("every operation has a unique operationId, a security list, and declares 500", () => {
    const operations = Object.values(buildOpenApiDocument().paths).flatMap((methods) => Object.values(methods)) as {
      operationId: string;
      security: unknown[];
      responses: Record<string, unknown>;
    }[];
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) {
      expect(operation.security, operation.operationId).toBeInstanceOf(Array);
      expect(operation.responses, operation.operationId).toHaveProperty("500");
    }
  });

  it("public operations say security: [], and an API-key requirement names the scope", () => {
    const { paths } = buildOpenApiDocument();
    for (const path of [
      "/api/health",
      "/api/version",
      "/api/clerk-config",
      "/api/turnstile-config",
      "/api/openapi.json",
    ]) {
      expect(paths[path].get, path).toMatchObject({ security: [] });
    }
    expect(paths["/api/compile/jobs"].get).toMatchObject({
      security: [{ bearer: ["jobs:read"] }, { apiKey: ["jobs:read"] }, { session: [] }],
    });
    expect(paths["/api/compile"].post).toMatchObject({ security: expect.arrayContaining([{}]) });
  });

  it("the guard's own statuses are declared where it sends them", () => {
    const { paths } = buildOpenApiDocument();
    const createKey = paths["/api/keys"].post as { responses: Record<string, { description: string }> };
    expect(createKey.responses["400"].description).toContain("credentials_in_query");
    expect(Object.keys(createKey.responses)).toEqual(expect.arrayContaining(["401", "403", "413", "415", "429"]));
    expect(createKey.responses["429"]).toMatchObject({ headers: { "Retry-After": expect.anything() } });
  });

  it("documents the host lookup of an explained compile with its query parameters", () => {
    const lookup = buildOpenApiDocument().paths["/api/compile/explain"].get as {
      parameters: { name: string }[];
      responses: Record<string, unknown>;
    };
    expect(lookup.parameters.map((parameter) => parameter.name)).toEqual(["id", "host"]);
    expect(Object.keys(lookup.responses)).toContain("404");
  });
});
