import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "bloqr-worker";
import { expect, inject } from "vitest";
import { contractProblems } from "./contract";

export const ORIGIN = "https://bloqr.test";

type Bindings = Partial<Env> & Record<string, unknown>;

/**
 * Sends a request through the real Worker entry (server.ts, as bundled in build/index.js) with
 * the test bindings, optionally overridden. `responseMs` is the time until the client would
 * see the response; background work (ctx.waitUntil) is awaited after it. Every response is
 * checked against the served OpenAPI document (./contract.ts): a test fails on any answer the
 * document does not declare.
 */
export async function timedCall(path: string, init: RequestInit = {}, bindings: Bindings = {}) {
  const ctx = createExecutionContext();
  const request = new Request(new URL(path, ORIGIN), init);
  const started = Date.now();
  let response: Response = await worker.fetch(request, { ...env, ...bindings }, ctx);
  const responseMs = Date.now() - started;
  // A streamed body is produced by background work: read it before waiting for that work.
  if (response.headers.get("Content-Type")?.startsWith("text/event-stream")) {
    response = new Response(await response.text(), response);
  }
  await waitOnExecutionContext(ctx);
  const problems = await contractProblems(request, response, servedDocument);
  if (problems.length > 0) throw new Error(`The response breaks the API document:\n- ${problems.join("\n- ")}`);
  return { response, responseMs };
}

/** `/api/openapi.json` as the Worker serves it. */
export const servedDocument = () =>
  worker.fetch(new Request(new URL("/api/openapi.json", ORIGIN)), env, createExecutionContext());

export async function call(path: string, init: RequestInit = {}, bindings: Bindings = {}) {
  return (await timedCall(path, init, bindings)).response;
}

export { env, inject };

/** A response's JSON for assertions; tests inspect arbitrary shapes, so it is loosely typed on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: assertions check the shape at runtime
export const bodyOf = async (response: Response): Promise<any> => response.json();

/** The API's one error shape, for `toEqual`. */
export const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });
