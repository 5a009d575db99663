/**
 * Published lists end to end through the real Worker: the API creates a list, the cron handler
 * (`scheduled()`, called here) claims it, the real local queue runs the refresh, R2 and KV hold
 * what `/l/{slug}.{ext}` serves. Sources and webhook receivers are the local source server.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import worker from "bloqr-worker";
import { Webhook } from "svix";
import { describe, expect, it, vi } from "vitest";
import { jsonBody, signIn, type TestAccount } from "./accounts";
import { bodyOf, call, env, errorShape, inject } from "./helpers";

const DAY_MS = 24 * 60 * 60_000;
// A database nobody listens on: a query through it fails at once, so a response that needed one could not be 200/304.
const NO_DATABASE = { DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:1/none" };

const rules = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `||${prefix}-${index}.example^`);

async function setSource(name: string, lines: string[]) {
  const response = await fetch(`${inject("sourceServerUrl")}/mutable/${name}`, {
    method: "PUT",
    body: `! Title: ${name}\n${lines.join("\n")}\n`,
  });
  expect(response.status).toBe(204);
  return `${inject("sourceServerUrl")}/mutable/${name}`;
}

/** The cron trigger at `at` (later times make every list due again, whatever its interval). */
async function runScheduled(at = Date.now()) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function createList(account: TestAccount, body: Record<string, unknown>) {
  return call("/api/lists", { method: "POST", ...jsonBody(body, account.headers) });
}

async function newList(account: TestAccount, source: string, extra: Record<string, unknown> = {}) {
  const response = await createList(account, {
    name: "Test list",
    configuration: { name: "Test list", sources: [{ source }] },
    formats: ["adblock", "hosts"],
    ...extra,
  });
  expect(response.status).toBe(201);
  return (await bodyOf(response)).list;
}

const getList = async (account: TestAccount, id: string) =>
  (await bodyOf(await call(`/api/lists/${id}`, { headers: account.headers }))).list;

/** Waits until the list has been checked `checks` times (the queue consumer runs on its own batch timer). */
async function waitForChecks(account: TestAccount, id: string, checks: number) {
  let list = await getList(account, id);
  await vi.waitFor(
    async () => {
      list = await getList(account, id);
      if (list.checks < checks) throw new Error(`checked ${list.checks} times`);
    },
    { timeout: 20_000, interval: 250 },
  );
  return list;
}

const subscribe = (url: string, headers: Record<string, string> = {}, bindings = {}) =>
  call(new URL(url).pathname, { headers }, bindings);

const hooksOf = async (name: string) =>
  (await fetch(`${inject("sourceServerUrl")}/__hooks/${name}`)).json() as Promise<
    { headers: Record<string, string>; body: string }[]
  >;

describe("published lists", () => {
  it("create → scheduled() → the URL serves the list with a strong ETag → 304 on If-None-Match, no database", async () => {
    const account = await signIn();
    const name = `serve-${crypto.randomUUID()}`;
    const list = await newList(account, await setSource(name, rules("ads", 10)));
    expect(list.currentVersion).toBeNull();
    expect(list.urls.adblock).toBe(`https://bloqr.test/l/${list.slug}.txt`);
    expect(list.slug).toMatch(/^[0-9a-f]{32}$/);

    await runScheduled();
    const refreshed = await waitForChecks(account, list.id, 1);
    expect(refreshed.lastCheckOutcome).toBe("published");
    expect(refreshed.currentVersion).toMatchObject({ number: 1, status: "published", ruleCount: 10, added: 10 });

    const response = await subscribe(list.urls.adblock);
    expect(response.status).toBe(200);
    const etag = response.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(response.headers.get("Last-Modified")).toBe(new Date(refreshed.currentVersion.publishedAt).toUTCString());
    // saved under the list's name and the version's date, as every list download is
    const published = refreshed.currentVersion.publishedAt.slice(0, 10).replaceAll("-", "");
    expect(response.headers.get("Content-Disposition")).toBe(`inline; filename="test-list-${published}.txt"`);
    const text = await response.text();
    expect(text).toContain("! Expires: 1 day\n");
    expect(text).toContain("||ads-9.example^");

    const notModified = await subscribe(list.urls.adblock, { "If-None-Match": etag! }, NO_DATABASE);
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("ETag")).toBe(etag);
    expect(await notModified.text()).toBe("");
    const sinceModified = await subscribe(
      list.urls.adblock,
      { "If-Modified-Since": response.headers.get("Last-Modified")! },
      NO_DATABASE,
    );
    expect(sinceModified.status).toBe(304);
    // A full download needs no database either.
    expect((await subscribe(list.urls.adblock, {}, NO_DATABASE)).status).toBe(200);

    const hosts = await (await subscribe(list.urls.hosts)).text();
    expect(hosts).toContain("# Expires: 1 day\n");
    expect(hosts).toContain("0.0.0.0 ads-3.example");

    const gzipped = await subscribe(list.urls.adblock, { "Accept-Encoding": "gzip" });
    expect(gzipped.headers.get("Content-Encoding")).toBe("gzip");
    const unzipped = await new Response(gzipped.body!.pipeThrough(new DecompressionStream("gzip"))).text();
    expect(unzipped).toBe(text);

    const head = await call(new URL(list.urls.adblock).pathname, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("ETag")).toBe(etag);
    expect(Number(head.headers.get("Content-Length"))).toBe(new TextEncoder().encode(text).byteLength);

    expect((await call(`/l/${list.slug}.rpz.zone`)).status).toBe(404); // a format the list is not served in
    expect((await call("/l/no-such-list.txt")).status).toBe(404);
  });

  it("unchanged sources (304 upstream) → no compile; a changed source → version 2 with the right counts and diff", async () => {
    const account = await signIn();
    const name = `change-${crypto.randomUUID()}`;
    const source = await setSource(name, rules("keep", 8));
    const list = await newList(account, source);
    await runScheduled();
    const first = await waitForChecks(account, list.id, 1);
    const firstEtag = (await subscribe(first.urls.adblock)).headers.get("ETag");

    await runScheduled(Date.now() + 2 * DAY_MS);
    const checked = await waitForChecks(account, list.id, 2);
    expect(checked.lastCheckOutcome).toBe("sources_unchanged");
    expect(checked.currentVersion.number).toBe(1);
    const stats = await bodyOf(await fetch(`${inject("sourceServerUrl")}/__stats`));
    expect(stats.conditionalHits[`/mutable/${name}`]).toBe(1);

    await setSource(name, [...rules("keep", 6), ...rules("new", 3)]);
    await runScheduled(Date.now() + 4 * DAY_MS);
    const changed = await waitForChecks(account, list.id, 3);
    expect(changed.lastCheckOutcome).toBe("published");
    expect(changed.currentVersion).toMatchObject({ number: 2, ruleCount: 9, added: 3, removed: 2 });
    expect((await subscribe(changed.urls.adblock)).headers.get("ETag")).not.toBe(firstEtag);

    const versions = await bodyOf(await call(`/api/lists/${list.id}/versions`, { headers: account.headers }));
    expect(versions.versions.map((version: { number: number }) => version.number)).toEqual([2, 1]);
    const diff = await bodyOf(
      await call(`/api/lists/${list.id}/diff?from=1&to=2&limit=2`, { headers: account.headers }),
    );
    expect(diff).toMatchObject({ addedCount: 3, removedCount: 2, offset: 0, nextOffset: 2 });
    expect(diff.added).toEqual(["||new-0.example^", "||new-1.example^"]);
    expect(diff.removed).toEqual(["||keep-6.example^", "||keep-7.example^"]);
  });

  it("a source that shrinks 90 % → held, version 1 still served, list.held signed per Standard Webhooks", async () => {
    const account = await signIn();
    const name = `shrink-${crypto.randomUUID()}`;
    const list = await newList(account, await setSource(name, rules("big", 20)));
    await runScheduled();
    await waitForChecks(account, list.id, 1);
    const servedEtag = (await subscribe(list.urls.adblock)).headers.get("ETag");

    const hook = `hook-${crypto.randomUUID()}`;
    const created = await call(`/api/lists/${list.id}/webhooks`, {
      method: "POST",
      ...jsonBody({ url: `${inject("sourceServerUrl")}/hook/${hook}` }, account.headers),
    });
    expect(created.status).toBe(201);
    const { secret } = await bodyOf(created);
    expect(secret).toMatch(/^whsec_/);

    await setSource(name, rules("big", 2));
    await runScheduled(Date.now() + 2 * DAY_MS);
    const held = await waitForChecks(account, list.id, 2);
    expect(held.lastCheckOutcome).toBe("held");
    expect(held.lastError).toMatch(/shrink by 90 %/);
    expect(held.currentVersion.number).toBe(1);
    expect((await subscribe(list.urls.adblock)).headers.get("ETag")).toBe(servedEtag);

    let deliveries: { headers: Record<string, string>; body: string }[] = [];
    await vi.waitFor(
      async () => {
        deliveries = await hooksOf(hook);
        if (deliveries.length === 0) throw new Error("no delivery yet");
      },
      { timeout: 20_000, interval: 250 },
    );
    const [delivery] = deliveries;
    // svix 2.x's verify throws on a bad signature or timestamp and returns nothing when both are good.
    expect(() => new Webhook(secret).verify(delivery.body, delivery.headers)).not.toThrow();
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: "list.held",
      data: { listId: list.id, version: 2, ruleCount: 2 },
    });
    expect(() =>
      new Webhook(`whsec_${btoa("another secret, 32 bytes long...")}`).verify(delivery.body, delivery.headers),
    ).toThrow();

    const published = await call(`/api/lists/${list.id}/versions/2/publish`, {
      method: "POST",
      headers: account.headers,
    });
    expect(published.status).toBe(200);
    expect((await bodyOf(published)).version.status).toBe("published");
    const now = await subscribe(list.urls.adblock);
    expect(now.headers.get("ETag")).not.toBe(servedEtag);
    expect(now.headers.get("X-Bloqr-List-Version")).toBe("2");
  });

  it("a failing webhook endpoint → retried with backoff, then failed in the delivery log", {
    timeout: 90_000,
  }, async () => {
    const account = await signIn();
    const name = `failhook-${crypto.randomUUID()}`;
    const list = await newList(account, await setSource(name, rules("x", 3)));
    const hook = `down-${crypto.randomUUID()}`;
    await call(`/api/lists/${list.id}/webhooks`, {
      method: "POST",
      ...jsonBody({ url: `${inject("sourceServerUrl")}/hook-fail/${hook}` }, account.headers),
    });
    const refresh = await call(`/api/lists/${list.id}/refresh`, { method: "POST", headers: account.headers });
    expect(refresh.status).toBe(202);

    let log = await bodyOf(await call(`/api/lists/${list.id}/webhooks`, { headers: account.headers }));
    await vi.waitFor(
      async () => {
        log = await bodyOf(await call(`/api/lists/${list.id}/webhooks`, { headers: account.headers }));
        if (log.deliveries[0]?.status !== "failed") throw new Error(`delivery is ${log.deliveries[0]?.status}`);
      },
      { timeout: 85_000, interval: 500 },
    );
    // The first attempt and max_retries (5) more, then the dead-letter queue marked it failed.
    expect(log.deliveries[0]).toMatchObject({
      type: "list.updated",
      status: "failed",
      attempts: 6,
      lastStatusCode: 500,
    });
    expect(log.deliveries[0].lastError).toContain("HTTP 500");
    const received = await hooksOf(hook);
    expect(received).toHaveLength(6);
    // Every retry is the same message: receivers deduplicate by webhook-id.
    expect(new Set(received.map((delivery) => delivery.headers["webhook-id"])).size).toBe(1);
  });

  it("another user's list → 404 on every route", async () => {
    const owner = await signIn();
    const list = await newList(owner, await setSource(`private-${crypto.randomUUID()}`, rules("p", 2)));
    const stranger = await signIn();
    const requests: [string, string][] = [
      ["GET", `/api/lists/${list.id}`],
      ["DELETE", `/api/lists/${list.id}`],
      ["GET", `/api/lists/${list.id}/versions`],
      ["GET", `/api/lists/${list.id}/diff?from=1&to=1`],
      ["POST", `/api/lists/${list.id}/refresh`],
      ["POST", `/api/lists/${list.id}/rotate-slug`],
      ["GET", `/api/lists/${list.id}/webhooks`],
    ];
    for (const [method, path] of requests) {
      const response = await call(path, { method, headers: stranger.headers });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await bodyOf(response)).toEqual(errorShape("not_found"));
    }
    const mine = await bodyOf(await call("/api/lists", { headers: stranger.headers }));
    expect(mine.lists).toEqual([]);
  });

  it("tier limits: free has 3 lists refreshed at most daily; pro may refresh hourly", async () => {
    const free = await signIn();
    const source = await setSource(`tier-${crypto.randomUUID()}`, rules("t", 2));
    const hourly = await createList(free, {
      name: "hourly",
      configuration: { name: "t", sources: [{ source }] },
      refreshMinutes: 60,
    });
    expect(hourly.status).toBe(403);
    expect(await bodyOf(hourly)).toEqual(errorShape("tier_limit"));
    for (let index = 0; index < 3; index++) await newList(free, source);
    const fourth = await createList(free, { name: "fourth", configuration: { name: "t", sources: [{ source }] } });
    expect(fourth.status).toBe(403);
    expect((await bodyOf(fourth)).error.message).toContain("3 published lists");

    const pro = await signIn({ tier: "pro" });
    const proList = await newList(pro, source, { refreshMinutes: 60 });
    expect(proList.refreshMinutes).toBe(60);
  });

  it("refresh now is limited per list (429 + Retry-After); a rotated slug retires the old URL", async () => {
    const account = await signIn();
    const list = await newList(account, await setSource(`rotate-${crypto.randomUUID()}`, rules("r", 4)));
    expect((await call(`/api/lists/${list.id}/refresh`, { method: "POST", headers: account.headers })).status).toBe(
      202,
    );
    const again = await call(`/api/lists/${list.id}/refresh`, { method: "POST", headers: account.headers });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("Retry-After"))).toBeGreaterThan(0);
    await waitForChecks(account, list.id, 1);
    expect((await subscribe(list.urls.adblock)).status).toBe(200);

    const rotated = await bodyOf(
      await call(`/api/lists/${list.id}/rotate-slug`, { method: "POST", headers: account.headers }),
    );
    expect(rotated.list.slug).not.toBe(list.slug);
    expect((await subscribe(list.urls.adblock)).status).toBe(404);
    expect((await subscribe(rotated.list.urls.adblock)).status).toBe(200);
  });

  it("bad input → 400 with the field named; an API key without lists scopes → 403", async () => {
    const account = await signIn();
    const refused = await createList(account, {
      name: "metadata",
      configuration: { name: "x", sources: [{ source: "http://169.254.169.254/latest" }] },
    });
    expect(refused.status).toBe(400);
    expect((await bodyOf(refused)).error.message).toContain("sources[0].source");
    const publicWithoutSlug = await createList(account, {
      name: "p",
      visibility: "public",
      configuration: { name: "x", sources: [{ source: "https://example.com/list.txt" }] },
    });
    expect(publicWithoutSlug.status).toBe(400);
    const key = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "compile only", scopes: ["compile"] }, account.headers),
    });
    const { secret } = await bodyOf(key);
    const denied = await call("/api/lists", { headers: { "X-API-Key": secret } });
    expect(denied.status).toBe(403);
    expect(await bodyOf(denied)).toEqual(errorShape("insufficient_scope"));
  });
});
