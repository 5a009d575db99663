/**
 * A list is held once, as its text: JSON answers write `rules` from it as they stream, and lists
 * above KV_INLINE_MAX_BYTES are stored gzip'd in the RESULTS bucket with a small pointer in KV.
 */
import { describe, expect, it, vi } from "vitest";
import { type Configuration, compile } from "~/compiler";
import { RULES_JSON_CHUNK_CHARS } from "~/services/list-json.server";
import { KV_INLINE_MAX_BYTES } from "~/services/results.server";
import packageJson from "../../package.json";
import { createKey, jsonBody, postForm, signIn } from "./accounts";
import { browserCompile, configuration } from "./compile-fixtures";
import { bodyOf, call, env } from "./helpers";

const LIST_URL = "https://lists.example.org/big.txt";

/** `count` rules whose names are random, so the list hardly compresses. */
function bigList(count: number): string {
  return Array.from({ length: count }, () => `||${crypto.randomUUID().slice(0, 18)}.example.com^`).join("\n");
}

const bigConfiguration = () =>
  configuration({ sources: [{ name: "big", source: LIST_URL, type: "adblock" }], transformations: ["Deduplicate"] });

async function chunksOf(response: Response): Promise<Uint8Array[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
  return chunks;
}

describe("one copy of a list", () => {
  it("a 200k-line JSON compile answer is written from the text in bounded chunks, the same list as ?format=text", async () => {
    const config = bigConfiguration();
    const body = { configuration: config, preFetchedContent: { [LIST_URL]: bigList(200_000) } };
    const response = await call("/api/compile", browserCompile(body));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    // Streamed: no length known up front, and no chunk holds more than one slice of escaped lines —
    // the answer never existed as one string (nor its rules as one array to stringify).
    expect(response.headers.get("Content-Length")).toBeNull();
    const chunks = await chunksOf(response);
    expect(Math.max(...chunks.map((chunk) => chunk.byteLength))).toBeLessThan(RULES_JSON_CHUNK_CHARS + 256);
    const decoder = new TextDecoder();
    const json = JSON.parse(chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") + decoder.decode());
    expect(json.ruleCount).toBe(200_000);
    expect(json.rules.length).toBeGreaterThan(200_000);

    // The cached copy answers the text route: the same lines.
    const text = await call("/api/compile?format=text", browserCompile(body));
    expect(text.headers.get("X-Cached")).toBe("true");
    expect((await text.text()).split("\n")).toEqual(json.rules);
  });
});

describe("results in R2", () => {
  async function finishedJob(list: string, config = bigConfiguration()) {
    const account = await signIn();
    const { secret } = await createKey(account, { name: "r2", scopes: ["compile", "compile:async", "jobs:read"] });
    const submitted = await call("/api/compile/async", {
      method: "POST",
      ...jsonBody({ configuration: config, preFetchedContent: { [LIST_URL]: list } }, { "X-API-Key": secret }),
    });
    expect(submitted.status).toBe(202);
    const { requestId } = await bodyOf(submitted);
    let job = await bodyOf(new Response('{"status":"queued"}'));
    await vi.waitFor(
      async () => {
        job = await bodyOf(await call(`/api/queue/results/${requestId}`, { headers: account.headers }));
        if (job.status !== "succeeded") throw new Error(`job is ${job.status}`);
      },
      { timeout: 30_000, interval: 250 },
    );
    return { account, id: requestId as string, job };
  }

  it("a job result above the KV threshold is stored in R2, and downloaded identical with an ETag and 304", async () => {
    const { account, id, job } = await finishedJob(bigList(30_000));
    const key = `result:${id}`;
    const object = await env.RESULTS.head(key);
    expect(object?.size).toBeGreaterThan(KV_INLINE_MAX_BYTES);
    // KV keeps the pointer: a few hundred bytes, not the list.
    const pointer = await env.COMPILE_CACHE.get(key, "arrayBuffer");
    expect(pointer?.byteLength).toBeLessThan(4096);

    const download = await call(`/dashboard/jobs/${id}/download`, { headers: { Cookie: account.cookie } });
    expect(download.status).toBe(200);
    const etag = download.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]{64}-adblock"$/);
    expect((await download.text()).split("\n")).toEqual(job.result.rules);

    const again = await call(`/dashboard/jobs/${id}/download`, {
      headers: { Cookie: account.cookie, "If-None-Match": etag ?? "" },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    // The page previews the first lines without reading the rest.
    const page = await call(`/dashboard/jobs/${id}`, { headers: { Cookie: account.cookie } });
    const html = await page.text();
    expect(html).toContain(job.result.rules[5]);
    expect(html).toContain(`${(job.result.rules.length - 200).toLocaleString("en-US")} more lines in the download`);
  });

  it("a job's list is gzip'd into R2 as it is compiled: downloaded identical to the compiler's text, and cached", async () => {
    // Non-ASCII rules among the ASCII ones, so that characters of several bytes meet block ends.
    const list = [bigList(20_000), ...Array.from({ length: 3_000 }, (_, index) => `||bücher-${index}.ü.example^`)].join(
      "\n",
    );
    const config = bigConfiguration();
    const { account, id } = await finishedJob(list, config);
    expect((await env.RESULTS.head(`result:${id}`))?.size).toBeGreaterThan(KV_INLINE_MAX_BYTES);

    const download = await call(`/dashboard/jobs/${id}/download`, { headers: { Cookie: account.cookie } });
    expect(download.status).toBe(200);
    const downloaded = await download.text();
    const expected = await compile(config as Configuration, {
      loadSource: async () => list,
      compilerVersion: packageJson.version,
    });
    const withoutDate = (text: string) => text.split("\n").filter((line) => !line.startsWith("! Last modified:"));
    expect(withoutDate(downloaded)).toEqual(withoutDate(expected.text));
    expect(downloaded.length).toBe(expected.text.length);

    // The job filled the compile cache too: a sync compile of the same request is that list.
    const cached = await call(
      "/api/compile?format=text",
      browserCompile({ configuration: config, preFetchedContent: { [LIST_URL]: list } }),
    );
    expect(cached.headers.get("X-Cached")).toBe("true");
    expect(await cached.text()).toBe(downloaded);
  });

  it("a small job result stays in KV alone", async () => {
    const { id } = await finishedJob(bigList(20));
    expect(await env.RESULTS.head(`result:${id}`)).toBeNull();
    expect(await env.COMPILE_CACHE.get(`result:${id}`, "arrayBuffer")).not.toBeNull();
  });

  it("an R2 result past its expiry is gone: the job says resultExpired and the object is deleted", async () => {
    const { account, id } = await finishedJob(bigList(30_000));
    const key = `result:${id}`;
    const stored = await env.RESULTS.get(key);
    await env.RESULTS.put(key, await stored!.arrayBuffer(), {
      httpMetadata: stored!.httpMetadata,
      customMetadata: { ...stored!.customMetadata, expiresAt: new Date(Date.now() - 1000).toISOString() },
    });
    const job = await bodyOf(await call(`/api/queue/results/${id}`, { headers: account.headers }));
    expect(job).toMatchObject({ status: "succeeded", result: null, resultExpired: true });
    expect(await env.RESULTS.head(key)).toBeNull();
  });

  it("an admin's cache purge deletes cached results' R2 objects with their KV entries; job results stay", async () => {
    const body = { configuration: bigConfiguration(), preFetchedContent: { [LIST_URL]: bigList(30_000) } };
    const first = await call("/api/compile?format=text", browserCompile(body));
    expect(first.status).toBe(200);
    await first.text();
    const cached = (await env.RESULTS.list({ prefix: "compile:" })).objects.map((object) => object.key);
    expect(cached.length).toBeGreaterThan(0);
    const { id } = await finishedJob(bigList(30_000));
    expect(await env.RESULTS.head(`result:${id}`)).not.toBeNull();

    const admin = await signIn({ tier: "admin", role: "admin" });
    const purged = await postForm(admin, "/admin", { intent: "purge-cache", confirmed: "yes" });
    expect(purged.status).toBe(200);
    expect(await purged.text()).toMatch(/Purged \d+ cache entries and [1-9]\d* stored large results\./);

    for (const key of cached) {
      expect(await env.RESULTS.head(key)).toBeNull();
      expect(await env.COMPILE_CACHE.get(key)).toBeNull();
    }
    expect((await env.RESULTS.list({ prefix: "compile:" })).objects).toEqual([]);
    // The job's owner can still download its result; the same compile is computed again.
    expect(await env.RESULTS.head(`result:${id}`)).not.toBeNull();
    const again = await call("/api/compile?format=text", browserCompile(body));
    expect(again.status).toBe(200);
    expect(again.headers.get("X-Cached")).toBe("false");
    await again.text();
  });
});
