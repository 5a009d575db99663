/**
 * The wiring of a request (docs/decisions/0020): the configuration is validated once, at the edge,
 * and the compiler receives the parsed value. The two halves of /api/compile that touch it — the
 * guard's body step and the compile — run here, in this isolate, with the load context server.ts
 * builds (real KV, real Postgres), so a spy on the compiler's configuration schema sees every
 * validation. (The route module itself cannot load outside the bundle: Clerk's SDK needs it.)
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { compileBody, MAX_COMPILE_BODY_BYTES } from "~/api/schemas";
import { configurationSchema, parseConfiguration } from "~/compiler";
import { getLoadContext } from "~/load-context";
import { compileForCaller } from "~/services/compilations.server";
import { ApiError } from "~/services/http.server";
import type { Principal } from "~/services/principal";
import { readJsonBody } from "~/services/request-body.server";
import { browserCompile, configuration, preFetchedContent } from "./compile-fixtures";
import { env, ORIGIN } from "./helpers";

const anonymous: Principal = { kind: "anonymous", ip: "192.0.2.1", tier: "anonymous", role: "user", scopes: [] };

/** What /api/compile does with a body once the caller is identified: read it, then compile it. */
async function compileThroughPipeline(body: Record<string, unknown>) {
  const ctx = createExecutionContext();
  const context = getLoadContext(env, ctx);
  try {
    const request = new Request(new URL("/api/compile", ORIGIN), browserCompile(body));
    const parsed = await readJsonBody(request, compileBody, MAX_COMPILE_BODY_BYTES);
    return await compileForCaller(context, anonymous, "sync", parsed);
  } finally {
    ctx.waitUntil(context.database.close());
    await waitOnExecutionContext(ctx);
  }
}

afterEach(() => vi.restoreAllMocks());

describe("the configuration is parsed once per request", () => {
  it("a cold compile validates its configuration exactly once (the body step), not again in the compiler", async () => {
    const validations = vi.spyOn(configurationSchema._zod, "run");
    const outcome = await compileThroughPipeline({ configuration: configuration(), preFetchedContent });
    expect(outcome.cached).toBe(false);
    expect(outcome.ruleCount).toBeGreaterThan(0);
    expect(validations).toHaveBeenCalledTimes(1);
  });

  it("an invalid configuration is refused by that one validation → 400 invalid_configuration", async () => {
    const validations = vi.spyOn(configurationSchema._zod, "run");
    const refused = await compileThroughPipeline({ configuration: { name: "x", sources: "nope" } }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 400, code: "invalid_configuration" });
    expect((refused as ApiError).message).toContain("sources");
    expect(validations).toHaveBeenCalledTimes(1);
  });

  it("the spy sees a parse (the test can fail): a configuration the schema did not produce is parsed", () => {
    const validations = vi.spyOn(configurationSchema._zod, "run");
    const parsed = parseConfiguration(configuration());
    expect(validations).toHaveBeenCalledTimes(1);
    parseConfiguration(parsed);
    expect(validations).toHaveBeenCalledTimes(1);
    parseConfiguration(structuredClone(parsed));
    expect(validations).toHaveBeenCalledTimes(2);
  });
});
