/**
 * A finished job keeps its request (not the Turnstile token), so its owner can run it again — by
 * the API or the job page's form — and look hosts up in its explanation; nobody else can.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { compilations } from "~/db/schema";
import { forgetOldRequests, REQUEST_RETENTION_MS } from "~/services/jobs.server";
import { createKey, jsonBody, signIn, type TestAccount, withDatabase } from "./accounts";
import { configuration, preFetchedContent } from "./compile-fixtures";
import { bodyOf, call, errorShape, ORIGIN } from "./helpers";

async function submit(account: TestAccount, body: Record<string, unknown>) {
  const { secret } = await createKey(account, { name: "async", scopes: ["compile", "compile:async"] });
  const response = await call("/api/compile/async", { method: "POST", ...jsonBody(body, { "X-API-Key": secret }) });
  expect(response.status).toBe(202);
  return (await bodyOf(response)).requestId as string;
}

async function finished(account: TestAccount, id: string) {
  let job: Awaited<ReturnType<typeof bodyOf>> = {};
  await vi.waitFor(
    async () => {
      job = await bodyOf(await call(`/api/queue/results/${id}`, { headers: account.headers }));
      if (job.status !== "succeeded" && job.status !== "failed") throw new Error(`job is ${job.status}`);
    },
    { timeout: 30_000, interval: 250 },
  );
  return job;
}

const rowOf = (id: string) =>
  withDatabase(async (db) => (await db.select().from(compilations).where(eq(compilations.id, id)))[0]);

const rerun = (account: TestAccount, id: string) =>
  call(`/api/compile/jobs/${id}/rerun`, { method: "POST", headers: account.headers });

/** The job page's "Run again" form, as a browser on `origin` posts it. */
const runAgainForm = (account: TestAccount, id: string, origin: string) =>
  call(`/dashboard/jobs/${id}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      Cookie: account.cookie,
      Origin: origin,
      "Sec-Fetch-Site": origin === ORIGIN ? "same-origin" : "cross-site",
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ intent: "rerun" }).toString(),
  });

const lookup = (id: string, host: string, headers: Record<string, string> = {}) =>
  call(`/api/compile/explain?${new URLSearchParams({ id, host })}`, { headers });

describe("re-running a job", () => {
  it("finished job → keeps its request without the Turnstile token; POST …/rerun → 202, a new job with the same list", async () => {
    const account = await signIn();
    const config = configuration();
    const id = await submit(account, { configuration: config, preFetchedContent, turnstileToken: "not-kept" });
    const first = await finished(account, id);
    expect(first).toMatchObject({ status: "succeeded", name: config.name, rerunnable: true, explain: false });

    const row = await rowOf(id);
    expect(row.request).toEqual({ configuration: config, preFetchedContent });
    expect(row.metrics?.steps.length).toBeGreaterThan(0);

    const response = await rerun(account, id);
    expect(response.status).toBe(202);
    const accepted = await bodyOf(response);
    expect(accepted).toEqual({
      requestId: expect.any(String),
      priority: "standard",
      status: "queued",
      location: `/api/queue/results/${accepted.requestId}`,
    });
    expect(accepted.requestId).not.toBe(id);
    const second = await finished(account, accepted.requestId);
    expect(second).toMatchObject({ status: "succeeded", name: config.name, ruleCount: first.ruleCount });
    expect(second.result.rules).toEqual(first.result.rules);
    expect((await rowOf(accepted.requestId)).userId).toBe(account.userId);
  });

  it("someone else's job → 404, and nothing is queued for them", async () => {
    const owner = await signIn();
    const other = await signIn();
    const id = await submit(owner, { configuration: configuration(), preFetchedContent });
    await finished(owner, id);
    const response = await rerun(other, id);
    expect(response.status).toBe(404);
    const jobs = await bodyOf(await call("/api/compile/jobs", { headers: other.headers }));
    expect(jobs.jobs).toEqual([]);
  });

  it("a request past its 7 days is forgotten by the cron's sweep → 409 not_rerunnable", async () => {
    const account = await signIn();
    const id = await submit(account, { configuration: configuration(), preFetchedContent });
    await finished(account, id);
    await withDatabase(async (db) => {
      const longAgo = new Date(Date.now() - REQUEST_RETENTION_MS - 60_000);
      await db.update(compilations).set({ finishedAt: longAgo }).where(eq(compilations.id, id));
      expect(await forgetOldRequests(db)).toBeGreaterThanOrEqual(1);
    });
    expect((await rowOf(id)).request).toBeNull();
    const job = await bodyOf(await call(`/api/queue/results/${id}`, { headers: account.headers }));
    expect(job.rerunnable).toBe(false);
    const response = await rerun(account, id);
    expect(response.status).toBe(409);
    expect(await bodyOf(response)).toEqual(errorShape("not_rerunnable"));
  });

  it("a request over 1 MB is not kept when the job ends → 409", async () => {
    const account = await signIn();
    const big = Array.from({ length: 60_000 }, (_, index) => `||ads-${index}.example.com^`).join("\n");
    const config = configuration({ sources: [{ name: "big", source: "https://lists.example.org/big.txt" }] });
    const id = await submit(account, {
      configuration: config,
      preFetchedContent: { "https://lists.example.org/big.txt": big },
    });
    expect((await finished(account, id)).status).toBe("succeeded");
    expect((await rowOf(id)).request).toBeNull();
    expect((await rerun(account, id)).status).toBe(409);
  });

  it("the job page's Run again form → 302 to the new job's page", async () => {
    const account = await signIn();
    const id = await submit(account, { configuration: configuration(), preFetchedContent });
    await finished(account, id);
    const response = await runAgainForm(account, id, ORIGIN);
    expect(response.status).toBe(302);
    const location = response.headers.get("Location") ?? "";
    expect(location).toMatch(/^\/dashboard\/jobs\/[0-9a-f-]{36}$/);
    expect(location).not.toBe(`/dashboard/jobs/${id}`);
    expect((await rowOf(location.split("/").pop() ?? "")).userId).toBe(account.userId);
  });

  it("the page's form from another site → 403, nothing queued", async () => {
    const account = await signIn();
    const id = await submit(account, { configuration: configuration(), preFetchedContent });
    await finished(account, id);
    const response = await runAgainForm(account, id, "https://evil.example");
    expect(response.status).toBe(403);
    const jobs = await bodyOf(await call("/api/compile/jobs", { headers: account.headers }));
    expect(jobs.jobs).toHaveLength(1);
  });
});

describe("explain on a job", () => {
  it("explain: true → the owner looks a host up by the job's id; another user and anonymous callers get 404", async () => {
    const owner = await signIn();
    const other = await signIn();
    const config = configuration({ transformations: ["Compress", "Deduplicate"] });
    const content = {
      ...preFetchedContent,
      "https://lists.example.org/ads.txt": "||ads.example.com^\n||sub.ads.example.com^\n",
    };
    const id = await submit(owner, { configuration: config, preFetchedContent: content, explain: true });
    const job = await finished(owner, id);
    expect(job).toMatchObject({ status: "succeeded", explain: true });

    const answer = await lookup(id, "sub.ads.example.com", owner.headers);
    expect(answer.status).toBe(200);
    const body = await bodyOf(answer);
    expect(body.host).toBe("sub.ads.example.com");
    expect(body.entries).toEqual([
      expect.objectContaining({ rule: "||sub.ads.example.com^", reason: "covered", step: "Compress" }),
    ]);

    expect((await lookup(id, "sub.ads.example.com", other.headers)).status).toBe(404);
    expect((await lookup(id, "sub.ads.example.com")).status).toBe(404);
  });

  it("a job without explain → 404 naming why", async () => {
    const account = await signIn();
    const id = await submit(account, { configuration: configuration(), preFetchedContent });
    await finished(account, id);
    const response = await lookup(id, "ads.example.com", account.headers);
    expect(response.status).toBe(404);
    expect((await bodyOf(response)).error.message).toContain("not run with explain: true");
  });
});
