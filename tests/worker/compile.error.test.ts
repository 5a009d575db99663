import { describe, expect, it } from "vitest";
import { signIn } from "./accounts";
import { browserCompile, configuration, preFetchedContent } from "./compile-fixtures";
import { bodyOf, call, errorShape, inject } from "./helpers";

describe("compile: bad input is a 4xx in the error shape", () => {
  it("malformed JSON → 400", async () => {
    const response = await call("/api/compile", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Turnstile-Response": "XXXX.DUMMY.TOKEN.XXXX" },
      body: '{"configuration": {',
    });
    expect(response.status).toBe(400);
    expect(await bodyOf(response)).toEqual(errorShape("invalid_json"));
  });

  it.each([
    [
      { name: "x", sources: [{ source: "https://a.example/list", type: "dns" }] },
      'sources[0].type: expected "adblock" | "hosts"',
    ],
    [{ name: "x", sources: "https://a.example/list" }, "sources"],
    [{ sources: [{ source: "https://a.example/list" }] }, "name"],
    [{ name: "x", sources: [], transformations: ["Shuffle"] }, "transformations"],
  ])("an invalid configuration → 400 naming the path (%#)", async (config, path) => {
    const response = await call("/api/compile", browserCompile({ configuration: config }));
    expect(response.status).toBe(400);
    const body = await bodyOf(response);
    expect(body).toEqual(errorShape("invalid_configuration"));
    expect(body.error.message).toContain(path);
  });

  it("wrong body types → 400", async () => {
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration(), preFetchedContent: "nope" }),
    );
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).error.message).toContain("preFetchedContent");
  });

  it.each([
    ["file:///etc/passwd", "source_refused"],
    ["http://127.0.0.1/list.txt", "source_refused"],
    ["http://169.254.169.254/latest/meta-data/", "source_refused"],
    ["http://localhost:8787/api/health", "source_refused"],
    ["http://[::1]/list.txt", "source_refused"],
  ])("the source %s → 422 %s", async (source, code) => {
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration({ sources: [{ source }] }) }),
    );
    expect(response.status).toBe(422);
    expect(await bodyOf(response)).toEqual(errorShape(code));
  });

  it("11 items in a batch → 400", async () => {
    const account = await signIn();
    const items = Array.from({ length: 11 }, (_, index) => ({ id: `i${index}`, configuration: configuration() }));
    const response = await call("/api/compile/batch", browserCompile({ items }, account.headers));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).error.message).toContain("at most 10");
  });

  it("duplicate item ids in a batch → 400", async () => {
    const account = await signIn();
    const items = [
      { id: "same", configuration: configuration() },
      { id: "same", configuration: configuration() },
    ];
    const response = await call("/api/compile/batch", browserCompile({ items }, account.headers));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).error.message).toContain("unique");
  });

  it("an unknown ?format → 400; GET → 405", async () => {
    const response = await call(
      "/api/compile?format=xml",
      browserCompile({ configuration: configuration(), preFetchedContent }),
    );
    expect(response.status).toBe(400);
    expect((await call("/api/compile")).status).toBe(405);
  });

  it("a body over 10 MB → 413", async () => {
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration(), preFetchedContent: { big: "x".repeat(11 * 1024 * 1024) } }),
    );
    expect(response.status).toBe(413);
    expect(await bodyOf(response)).toEqual(errorShape("payload_too_large"));
  });

  it("a bad jobs cursor → 400", async () => {
    const account = await signIn();
    const response = await call("/api/compile/jobs?cursor=garbage", { headers: account.headers });
    expect(response.status).toBe(400);
    expect(await bodyOf(response)).toEqual(errorShape("invalid_cursor"));
  });

  it("an async batch with an invalid item → 400 naming the item, nothing queued", async () => {
    const account = await signIn();
    const items = [
      { id: "ok", configuration: configuration() },
      { id: "broken", configuration: { name: "x" } },
    ];
    const response = await call("/api/compile/batch/async", browserCompile({ items }, account.headers));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).error.message).toContain('items "broken"');
    const jobs = await bodyOf(await call("/api/compile/jobs", { headers: account.headers }));
    expect(jobs.jobs).toEqual([]);
  });
});

describe("compile: fetched sources", () => {
  const server = () => inject("sourceServerUrl");

  it("a source fetched over HTTP compiles", async () => {
    const source = `${server()}/etag/compile-${crypto.randomUUID()}`;
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration({ sources: [{ source }] }) }),
    );
    expect(response.status).toBe(200);
    expect((await bodyOf(response)).ruleCount).toBe(2);
  });

  it.each([
    ["to the metadata address", "http://169.254.169.254/latest/meta-data/"],
    ["to loopback", "http://127.0.0.2/list.txt"],
    ["to a file", "file:///etc/passwd"],
  ])("a redirect %s → 422 source_refused", async (_, location) => {
    const source = `${server()}/redirect-to/x?location=${encodeURIComponent(location)}`;
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration({ sources: [{ source }] }) }),
    );
    expect(response.status).toBe(422);
    expect(await bodyOf(response)).toEqual(errorShape("source_refused"));
  });

  it("a source over 20 MB → 413 source_too_large", async () => {
    const source = `${server()}/stream/big?bytes=${21 * 1024 * 1024}`;
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration({ sources: [{ source }] }) }),
    );
    expect(response.status).toBe(413);
    expect(await bodyOf(response)).toEqual(errorShape("source_too_large"));
  });

  it("a source answering 404 → 422 naming the status", async () => {
    const source = `${server()}/status/404/missing`;
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration({ sources: [{ source }] }) }),
    );
    expect(response.status).toBe(422);
    const body = await bodyOf(response);
    expect(body.error.code).toBe("source_http_error");
    expect(body.error.message).toContain("404");
  });
});
