/**
 * Source fetching inside workerd against the local source server (tests/support/source-server.mjs),
 * with the real COMPILE_CACHE KV binding. Every path ends in a fresh name so tests share no
 * counters or cache entries.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getAppEnv } from "~/services/env.server";
import { createSourceFetcher, SourceFetchError, type SourceFetcherOptions } from "~/services/sources.server";
import { call, inject } from "./helpers";

const server = inject("sourceServerUrl");
const serverPort = new URL(server).port;
const allowedPrivateHosts = getAppEnv(env).SOURCE_ALLOW_PRIVATE_HOSTS;
const MB = 1024 * 1024;

const fresh = () => crypto.randomUUID().slice(0, 8);
const fetcher = (options: SourceFetcherOptions = {}) =>
  createSourceFetcher({ cache: env.COMPILE_CACHE, allowedPrivateHosts, ...options });
const listBody = (name: string) => `! Title: ${name}\n||ads.${name}.example^\n||tracker.${name}.example^\n`;

async function failure(loading: Promise<unknown>): Promise<SourceFetchError> {
  try {
    await loading;
  } catch (error) {
    if (error instanceof SourceFetchError) return error;
    throw error;
  }
  throw new Error("expected the load to fail");
}

interface ServerStats {
  requests: Record<string, number>;
  conditionalHits: Record<string, number>;
  conditionalHeaders: Record<string, { ifNoneMatch?: string; ifModifiedSince?: string }>;
}
const stats = async (): Promise<ServerStats> => (await fetch(`${server}/__stats`)).json();

/** The cache key computed here, independently of the module under test. */
async function cacheKeyOf(url: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(url));
  return `source:${[...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

async function cached(url: string) {
  const { value, metadata } = await env.COMPILE_CACHE.getWithMetadata<Record<string, string>>(
    await cacheKeyOf(url),
    "arrayBuffer",
  );
  if (!value) return null;
  const text = await new Response(new Response(value).body!.pipeThrough(new DecompressionStream("gzip"))).text();
  return { text, metadata };
}

afterEach(() => vi.restoreAllMocks());

describe("loading a source", () => {
  it("returns the list's text and counts its bytes", async () => {
    const name = fresh();
    const sources = fetcher();
    expect(await sources.load(`${server}/plain/${name}`)).toBe(listBody(name));
    expect(sources.bytesLoaded).toBe(new TextEncoder().encode(listBody(name)).byteLength);
  });

  it("decodes UTF-8 whatever the declared charset, drops the BOM and keeps characters split across chunks", async () => {
    expect(await fetcher().load(`${server}/utf8/${fresh()}`)).toBe("! Liste für café\n||café.example^\n");
  });

  it("decodes a gzip content encoding", async () => {
    expect(await fetcher().load(`${server}/gzip-bomb/${fresh()}?bytes=1000`)).toBe("a".repeat(1000));
  });

  it("works without a cache", async () => {
    const name = fresh();
    expect(await createSourceFetcher({ allowedPrivateHosts }).load(`${server}/etag/${name}`)).toBe(listBody(name));
    expect(await cached(`${server}/etag/${name}`)).toBeNull();
  });
});

describe("ETag / Last-Modified revalidation in KV", () => {
  it("an ETag list is stored gzipped with its validator; the next load sends If-None-Match and serves the 304 from KV", async () => {
    const name = fresh();
    const url = `${server}/etag/${name}`;
    expect(await fetcher().load(url)).toBe(listBody(name));
    expect(await cached(url)).toEqual({ text: listBody(name), metadata: { url, etag: `"v1-${name}"` } });

    const second = fetcher();
    expect(await second.load(url)).toBe(listBody(name));
    expect(second.bytesLoaded).toBe(listBody(name).length);
    const { requests, conditionalHits, conditionalHeaders } = await stats();
    expect(requests[`/etag/${name}`]).toBe(2);
    expect(conditionalHits[`/etag/${name}`]).toBe(1);
    expect(conditionalHeaders[`/etag/${name}`]).toEqual({ ifNoneMatch: `"v1-${name}"` });
  });

  it("a Last-Modified list revalidates with If-Modified-Since", async () => {
    const name = fresh();
    const url = `${server}/last-modified/${name}`;
    await fetcher().load(url);
    expect((await cached(url))?.metadata).toEqual({ url, lastModified: "Wed, 01 Jan 2025 00:00:00 GMT" });
    expect(await fetcher().load(url)).toBe(listBody(name));
    const { conditionalHits, conditionalHeaders } = await stats();
    expect(conditionalHits[`/last-modified/${name}`]).toBe(1);
    expect(conditionalHeaders[`/last-modified/${name}`]).toEqual({
      ifModifiedSince: "Wed, 01 Jan 2025 00:00:00 GMT",
    });
  });

  it("a changed list (new ETag) is downloaded again and replaces the cached copy", async () => {
    const name = fresh();
    const url = `${server}/changing-etag/${name}`;
    expect(await fetcher().load(url)).toContain("! version 1");
    expect(await fetcher().load(url)).toContain("! version 2");
    expect((await stats()).conditionalHeaders[`/changing-etag/${name}`]).toEqual({ ifNoneMatch: '"1"' });
    const entry = await cached(url);
    expect(entry?.metadata?.etag).toBe('"2"');
    expect(entry?.text).toContain("! version 2");
  });

  it("a list without validators is not cached and is downloaded in full each time", async () => {
    const name = fresh();
    const url = `${server}/plain/${name}`;
    await fetcher().load(url);
    await fetcher().load(url);
    expect(await cached(url)).toBeNull();
    const { requests, conditionalHeaders } = await stats();
    expect(requests[`/plain/${name}`]).toBe(2);
    expect(conditionalHeaders[`/plain/${name}`]).toBeUndefined();
  });

  it("error responses are not cached", async () => {
    const url = `${server}/status/404/${fresh()}`;
    await failure(fetcher().load(url));
    expect(await cached(url)).toBeNull();
  });

  it("after redirects, validators go only to the URL that answered", async () => {
    const name = fresh();
    const url = `${server}/redirect/1/${name}`;
    await fetcher().load(url);
    expect((await cached(url))?.metadata?.url).toBe(`${server}/redirect/0/${name}`);
    expect(await fetcher().load(url)).toBe(listBody(name));
    const { conditionalHits, conditionalHeaders } = await stats();
    expect(conditionalHeaders[`/redirect/1/${name}`]).toBeUndefined();
    expect(conditionalHits[`/redirect/0/${name}`]).toBe(1);
  });

  it("a cached body counts against the caps like a downloaded one", async () => {
    const name = fresh();
    const url = `${server}/etag/${name}`;
    await fetcher().load(url);
    const error = await failure(fetcher({ maxRequestBytes: 10 }).load(url));
    expect(error.code).toBe("source_too_large");
    expect((await stats()).conditionalHits[`/etag/${name}`]).toBe(1);
  });

  it("an undecodable cache entry is dropped and the list downloaded again", async () => {
    const name = fresh();
    const url = `${server}/etag/${name}`;
    await env.COMPILE_CACHE.put(await cacheKeyOf(url), "not gzip", { metadata: { url, etag: `"v1-${name}"` } });
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await fetcher().load(url)).toBe(listBody(name));
    expect((await cached(url))?.text).toBe(listBody(name));
    const { requests, conditionalHits } = await stats();
    expect(requests[`/etag/${name}`]).toBe(2);
    expect(conditionalHits[`/etag/${name}`]).toBe(1);
  });
});

describe("redirects", () => {
  it("a chain of 3 redirects is followed", async () => {
    const name = fresh();
    expect(await fetcher().load(`${server}/redirect/3/${name}`)).toBe(listBody(name));
    const { requests } = await stats();
    for (const hop of [3, 2, 1, 0]) expect(requests[`/redirect/${hop}/${name}`]).toBe(1);
  });

  it("a chain of 4 → source_refused, and the fourth target is never requested", async () => {
    const name = fresh();
    const error = await failure(fetcher().load(`${server}/redirect/4/${name}`));
    expect(error).toMatchObject({ code: "source_refused", retriable: false, url: `${server}/redirect/4/${name}` });
    expect(error.message).toContain("more than 3");
    expect((await stats()).requests[`/redirect/0/${name}`]).toBeUndefined();
  });

  it("a relative Location resolves against the current URL", async () => {
    const name = fresh();
    const location = encodeURIComponent(`/plain/${name}`);
    expect(await fetcher().load(`${server}/redirect-to/${name}?location=${location}`)).toBe(listBody(name));
  });

  it.each([
    ["the cloud metadata address", "http://169.254.169.254/latest/meta-data/", "cloud metadata"],
    ["another loopback address on the allowed port", `http://127.0.0.2:${serverPort}/plain/x`, "loopback"],
    ["localhost on the allowed port", `http://localhost:${serverPort}/plain/x`, "localhost"],
    ["a decimal IPv4 of another loopback address", `http://2130706434:${serverPort}/plain/x`, "loopback"],
    ["an IPv4-mapped IPv6 loopback", `http://[::ffff:7f00:1]:${serverPort}/plain/x`, "IPv4-mapped"],
    ["a URL with credentials", "http://user:secret@example.com/list.txt", "user name or password"],
    ["a file URL", "file:///etc/passwd", "only http and https"],
  ])("a redirect to %s → source_refused", async (_, location, reason) => {
    const error = await failure(
      fetcher().load(`${server}/redirect-to/${fresh()}?location=${encodeURIComponent(location)}`),
    );
    expect(error).toMatchObject({ code: "source_refused", retriable: false });
    expect(error.message).toContain(reason);
    expect(error.message).not.toContain("secret");
  });
});

describe("refused URLs", () => {
  it.each([
    ["file:///etc/passwd"],
    ["ftp://example.com/list.txt"],
    ["data:text/plain,||ads.example^"],
    ["javascript:alert(1)"],
    ["http://localhost/list.txt"],
    ["http://api.localhost/list.txt"],
    ["http://127.0.0.1/list.txt"],
    ["http://2130706433/"],
    ["http://0x7f.1/"],
    ["http://017700000001/"],
    ["http://[::1]/"],
    ["http://[::ffff:127.0.0.1]/"],
    ["http://[fd00::1]/"],
    ["http://[fe80::1]/"],
    ["http://10.0.0.1/"],
    ["http://172.16.0.1/"],
    ["http://192.168.0.1/"],
    ["http://100.64.0.1/"],
    ["http://0.0.0.0/"],
    ["http://224.0.0.1/"],
    ["http://169.254.169.254/latest/meta-data/"],
    ["http://metadata.google.internal/computeMetadata/v1/"],
    ["http://metadata/"],
    ["http://service.internal/"],
    ["not a url"],
  ])("%s → source_refused, not retriable", async (url) => {
    const error = await failure(fetcher().load(url));
    expect(error).toMatchObject({ code: "source_refused", retriable: false });
  });

  it("credentials in a URL are refused and kept out of the error", async () => {
    const error = await failure(fetcher().load("https://alice:hunter2@example.com/list.txt"));
    expect(error.code).toBe("source_refused");
    expect(`${error.message} ${error.url}`).not.toMatch(/alice|hunter2/);
  });

  it("the source server itself is refused without SOURCE_ALLOW_PRIVATE_HOSTS, and on another port", async () => {
    const name = fresh();
    const noAllowList = createSourceFetcher({ cache: env.COMPILE_CACHE });
    expect((await failure(noAllowList.load(`${server}/plain/${name}`))).code).toBe("source_refused");
    const otherPort = createSourceFetcher({ allowedPrivateHosts: [`127.0.0.1:${Number(serverPort) + 1}`] });
    expect((await failure(otherPort.load(`${server}/plain/${name}`))).code).toBe("source_refused");
    expect((await stats()).requests[`/plain/${name}`]).toBeUndefined();
  });
});

describe("size caps", () => {
  it("21 MB without Content-Length → source_too_large at the 20 MB cap, not retriable", async () => {
    const sources = fetcher();
    const error = await failure(sources.load(`${server}/stream/${fresh()}?bytes=${21 * MB}`));
    expect(error).toMatchObject({ code: "source_too_large", retriable: false });
    expect(error.message).toContain("20 MB");
    expect(sources.bytesLoaded).toBe(0);
  });

  it("exactly the cap is still accepted", async () => {
    const sources = fetcher({ maxSourceBytes: 100_000 });
    expect((await sources.load(`${server}/stream/${fresh()}?bytes=100000`)).length).toBe(100_000);
    expect(sources.bytesLoaded).toBe(100_000);
  });

  it("an honest oversized Content-Length is refused before the body arrives", async () => {
    const started = Date.now();
    const error = await failure(fetcher({ timeoutMs: 5_000 }).load(`${server}/declared/${fresh()}?bytes=${21 * MB}`));
    expect(error.code).toBe("source_too_large");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("gzip that expands past the cap → source_too_large, though Content-Length is small", async () => {
    const error = await failure(
      fetcher({ maxSourceBytes: 1 * MB }).load(`${server}/gzip-bomb/${fresh()}?bytes=${2 * MB}`),
    );
    expect(error.code).toBe("source_too_large");
  });

  it("two 19 MB sources exceed the compile's 24 MB input budget (real caps)", async () => {
    const sources = fetcher();
    const size = 19 * MB;
    await sources.load(`${server}/stream/${fresh()}?bytes=${size}`);
    const error = await failure(sources.load(`${server}/stream/${fresh()}?bytes=${size}`));
    expect(error).toMatchObject({ code: "source_too_large", retriable: false });
    expect(error.message).toContain("24 MB in total");
    expect(sources.bytesLoaded).toBe(size);
  });

  it("concurrent loads never exceed the budget together", async () => {
    const sources = fetcher({ maxSourceBytes: 150_000, maxRequestBytes: 250_000 });
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => sources.load(`${server}/stream/${fresh()}?bytes=100000`)),
    );
    const loaded = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result) => result.status === "rejected");
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const result of refused) expect(result.reason).toMatchObject({ code: "source_too_large" });
    expect(sources.bytesLoaded).toBeLessThanOrEqual(250_000);
    expect(sources.bytesLoaded).toBe(loaded.reduce((sum, result) => sum + result.value.length, 0));
  });
});

describe("timeouts and failures", () => {
  it("no response within the timeout → source_timeout, retriable", async () => {
    const started = Date.now();
    const error = await failure(fetcher({ timeoutMs: 300 }).load(`${server}/hang/${fresh()}`));
    expect(error).toMatchObject({ code: "source_timeout", retriable: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("a body that stalls midway → source_timeout, and its partial bytes are released", async () => {
    const sources = fetcher({ timeoutMs: 300 });
    const error = await failure(sources.load(`${server}/hang-body/${fresh()}`));
    expect(error.code).toBe("source_timeout");
    expect(sources.bytesLoaded).toBe(0);
  });

  it("the caller's abort rejects with the caller's reason, not a source error", async () => {
    const controller = new AbortController();
    const reason = new Error("compile cancelled");
    setTimeout(() => controller.abort(reason), 100);
    await expect(fetcher().load(`${server}/hang/${fresh()}`, controller.signal)).rejects.toBe(reason);
  });

  it("an already aborted signal sends no request", async () => {
    const name = fresh();
    const reason = new Error("already cancelled");
    await expect(fetcher().load(`${server}/plain/${name}`, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect((await stats()).requests[`/plain/${name}`]).toBeUndefined();
  });

  it.each([
    [404, false],
    [410, false],
    [429, true],
    [500, true],
    [503, true],
  ])("HTTP %i → source_http_error, retriable: %s", async (status, retriable) => {
    const error = await failure(fetcher().load(`${server}/status/${status}/${fresh()}`));
    expect(error).toMatchObject({ code: "source_http_error", status, retriable });
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it("a closed port → source_unreachable, retriable", async () => {
    const sources = createSourceFetcher({ allowedPrivateHosts: ["127.0.0.1:1"] });
    const error = await failure(sources.load("http://127.0.0.1:1/list.txt"));
    expect(error).toMatchObject({ code: "source_unreachable", retriable: true });
  });

  it("messages name the source by origin and path, never its query string", async () => {
    const error = await failure(fetcher().load(`${server}/status/404/${fresh()}?token=s3cr3t`));
    expect(error.message).toContain(`${server}/status/404/`);
    expect(error.message).not.toContain("s3cr3t");
  });
});

describe("SOURCE_ALLOW_PRIVATE_HOSTS", () => {
  it("is parsed into exact host:port pairs", () => {
    expect(allowedPrivateHosts).toEqual([`127.0.0.1:${serverPort}`]);
  });

  it("production refuses to start with it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const production = { ENVIRONMENT: "production", NEON_WS_PROXY: undefined, DEV_JWT_PRIVATE_KEY: undefined };
    const response = await call("/api/version", {}, production);
    expect(response.status).toBe(500);
    expect(logged.mock.calls.flat().join(" ")).toContain("SOURCE_ALLOW_PRIVATE_HOSTS: must not be set in production");

    logged.mockClear();
    await call("/api/version", {}, { ...production, SOURCE_ALLOW_PRIVATE_HOSTS: undefined });
    expect(logged.mock.calls.flat().join(" ")).not.toContain("SOURCE_ALLOW_PRIVATE_HOSTS");
  });

  it("a malformed entry names the variable", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call("/api/version", {}, { SOURCE_ALLOW_PRIVATE_HOSTS: "127.0.0.1" });
    expect(response.status).toBe(500);
    expect(logged.mock.calls.flat().join(" ")).toContain("SOURCE_ALLOW_PRIVATE_HOSTS.0: expected host:port");
  });
});
