import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "~/api/openapi";

// The document exactly as /api/openapi.json serves it (the route answers this builder's JSON).
const served = JSON.parse(JSON.stringify(buildOpenApiDocument("https://bloqr.test")));
const CLIENT = fileURLToPath(new URL("./contract/client.ts", import.meta.url));
const require = createRequire(import.meta.url);
const workDir = mkdtempSync(join(tmpdir(), "bloqr-client-"));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function typecheckClient() {
  writeFileSync(join(workDir, "bloqr-api.d.ts"), astToString(await openapiTS(served)));
  copyFileSync(CLIENT, join(workDir, "client.ts"));
  writeFileSync(
    join(workDir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ES2023", "DOM", "DOM.Iterable"],
        types: [],
        skipLibCheck: true,
        paths: { "openapi-fetch": [dirname(require.resolve("openapi-fetch/package.json"))] },
      },
      files: ["client.ts"],
    }),
  );
  const tsc = require.resolve("typescript/bin/tsc");
  return promisify(execFile)(process.execPath, [tsc, "-p", join(workDir, "tsconfig.json")]).then(
    () => "",
    (error: { stdout?: string; message: string }) => error.stdout || error.message,
  );
}

describe("a client generated from the served OpenAPI document", () => {
  it("typechecks the README's calls of every operation through openapi-fetch: 0 type errors", async () => {
    expect(await typecheckClient()).toBe("");
  });

  it("the client script calls every operation of the document, with no casts", () => {
    const source = readFileSync(CLIENT, "utf8");
    const operations = Object.entries(served.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `.${method.toUpperCase()}("${path}"`),
    );
    expect(operations.filter((call) => !source.includes(call))).toEqual([]);
    expect(source).not.toMatch(/\bas (unknown|any|never)\b|@ts-|: any\b/);
  });
});
