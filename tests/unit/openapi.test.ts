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

  it("documents the host lookup of an explained compile with its query parameters", () => {
    const lookup = buildOpenApiDocument().paths["/api/compile/explain"].get;
    expect(lookup.parameters.map((parameter) => parameter.name)).toEqual(["id", "host"]);
    expect(Object.keys(lookup.responses)).toContain("404");
  });
});
