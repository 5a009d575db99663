import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { compilations } from "~/db/schema";
import { createKey, jsonBody, signIn, withDatabase } from "./accounts";
import { browserCompile, configuration, preFetchedContent, rulesOf } from "./compile-fixtures";
import { bodyOf, call } from "./helpers";

describe("POST /api/compile", () => {
  it("compiles pre-fetched lists; the second identical call is served from the cache", async () => {
    const config = configuration();
    const first = await call("/api/compile", browserCompile({ configuration: config, preFetchedContent }));
    expect(first.status).toBe(200);
    const body = await bodyOf(first);
    expect(body).toMatchObject({ success: true, cached: false, compiledAt: expect.any(String) });
    expect(rulesOf(body.rules)).toEqual([
      "||ads.example.com^",
      "||tracker.example.net^$third-party",
      "||malware.example.com^",
    ]);
    expect(body.ruleCount).toBe(3);
    expect(body.rules.slice(0, 2)).toEqual(["!", `! Title: ${config.name}`]);
    expect(body.metrics.sources).toHaveLength(2);

    const second = await call("/api/compile", browserCompile({ configuration: config, preFetchedContent }));
    const cached = await bodyOf(second);
    expect(cached).toMatchObject({ success: true, cached: true, ruleCount: 3, compiledAt: body.compiledAt });
    expect(cached.rules).toEqual(body.rules);
  });

  it("?format=text answers the list itself", async () => {
    const response = await call(
      "/api/compile?format=text",
      browserCompile({ configuration: configuration(), preFetchedContent }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("X-Rule-Count")).toBe("3");
    const text = await response.text();
    expect(text).toContain("\n||ads.example.com^\n");
    expect(text.startsWith("!\n! Title: Test list")).toBe(true);
  });

  it("a signed-in compile is recorded in the usage history", async () => {
    const account = await signIn();
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration(), preFetchedContent }, account.headers),
    );
    expect(response.status).toBe(200);
    const rows = await withDatabase((db) =>
      db.select().from(compilations).where(eq(compilations.userId, account.userId)),
    );
    expect(rows).toEqual([expect.objectContaining({ kind: "sync", status: "succeeded", ruleCount: 3 })]);
  });
});

describe("POST /api/compile/stream", () => {
  it("sends progress events and ends with the result", async () => {
    const response = await call(
      "/api/compile/stream",
      browserCompile({ configuration: configuration(), preFetchedContent }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/event-stream");
    const events = [...(await response.text()).matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map(([, name, data]) => ({
      name,
      data: JSON.parse(data),
    }));
    const names = events.map((event) => event.name);
    expect(names.slice(0, 4)).toEqual(["source_start", "source_done", "source_start", "source_done"]);
    // The list-level transformations of the configuration, with line counts.
    expect(events.filter((event) => event.name === "transformation").map((event) => event.data.name)).toEqual([
      "RemoveComments",
      "Compress",
      "Deduplicate",
    ]);
    expect(names.at(-1)).toBe("result");
    expect(events.at(-1)?.data).toMatchObject({ success: true, ruleCount: 3 });
  });

  it("a source that cannot be loaded ends the stream with an error event in the one error shape", async () => {
    const config = configuration({ sources: [{ source: "file:///etc/passwd" }] });
    const response = await call("/api/compile/stream", browserCompile({ configuration: config }));
    const text = await response.text();
    expect(text).toMatch(/event: error\ndata: \{"error":\{"code":"source_refused","message":"/);
    expect(text).not.toContain("event: result");
  });
});

describe("POST /api/compile/batch", () => {
  it("answers each item on its own; one failing item does not fail the others", async () => {
    const account = await signIn();
    const { secret } = await createKey(account, { name: "batch", scopes: ["compile"] });
    const response = await call("/api/compile/batch", {
      method: "POST",
      ...jsonBody(
        {
          items: [
            { id: "good", configuration: configuration(), preFetchedContent },
            { id: "bad", configuration: configuration({ sources: [{ source: "http://127.0.0.1/list.txt" }] }) },
          ],
        },
        { "X-API-Key": secret },
      ),
    });
    expect(response.status).toBe(200);
    const { results } = await bodyOf(response);
    expect(results).toEqual([
      expect.objectContaining({ id: "good", success: true, ruleCount: 3 }),
      { id: "bad", success: false, error: { code: "source_refused", message: expect.any(String) } },
    ]);
  });
});
