import { describe, expect, it } from "vitest";
import { contractProblems } from "./contract";
import { ORIGIN, servedDocument } from "./helpers";

const check = (method: string, path: string, response: Response) =>
  contractProblems(new Request(new URL(path, ORIGIN), { method }), response, servedDocument);

const json = (body: unknown, init: ResponseInit = {}) =>
  Response.json(body, { ...init, headers: { "Content-Type": "application/json", ...init.headers } });

describe("the contract check every worker-suite response goes through", () => {
  it("a declared status with a body of the declared schema passes", async () => {
    expect(await check("GET", "/api/version", json({ name: "bloqr", version: "1.0.0", environment: "test" }))).toEqual(
      [],
    );
  });

  it("a status the operation does not declare → names the operation and the status", async () => {
    expect(await check("GET", "/api/me", json({ error: { code: "teapot", message: "no" } }, { status: 418 }))).toEqual([
      expect.stringContaining("GET /api/me (operationId getMe) answered 418, which it does not declare"),
    ]);
  });

  it("a body that contradicts the declared schema → names the field", async () => {
    const problems = await check("GET", "/api/version", json({ name: "bloqr", version: 1, environment: "test" }));
    expect(problems).toEqual([
      expect.stringContaining("GET /api/version (operationId getVersion) 200: #/version fails"),
    ]);
  });

  it("a field the schema does not have → fails (answers are closed objects)", async () => {
    const body = { name: "bloqr", version: "1", environment: "test", extra: true };
    expect(await check("GET", "/api/version", json(body))).not.toEqual([]);
  });

  it("an /api path with no operation in the document → says to declare one", async () => {
    expect(await check("GET", "/api/not-documented", json({ items: [] }))).toEqual([
      expect.stringContaining("GET /api/not-documented answered 200, but the document has no operation for it"),
    ]);
  });

  it("an undeclared content type or header → fails", async () => {
    const text = new Response("hello", { headers: { "Content-Type": "text/plain" } });
    expect(await check("GET", "/api/version", text)).toEqual([expect.stringContaining("answered text/plain")]);
    const withRetry = json({ name: "bloqr", version: "1", environment: "test" }, { headers: { "Retry-After": "5" } });
    expect(await check("GET", "/api/version", withRetry)).toEqual([expect.stringContaining("Retry-After")]);
  });

  it("a stream event whose data is not its declared shape → fails (the error event is the error shape)", async () => {
    const stream = new Response('event: error\ndata: {"code":"source_refused","message":"no"}\n\n', {
      headers: { "Content-Type": "text/event-stream" },
    });
    expect(await check("POST", "/api/compile/stream", stream)).toContainEqual(
      expect.stringContaining('(operationId compileStream) event "error": # fails components/Error#/required'),
    );
  });
});
