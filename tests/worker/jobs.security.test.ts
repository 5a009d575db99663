/**
 * What async jobs may not do: be read by a key without the job scope, keep their request once
 * they have ended, or pile up without bound per user.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { compilations } from "~/db/schema";
import { MAX_ACTIVE_JOBS, TOO_MANY_JOBS_RETRY_AFTER_SECONDS } from "~/services/jobs.server";
import { createKey, jsonBody, signIn, type TestAccount, withDatabase } from "./accounts";
import { configuration, preFetchedContent } from "./compile-fixtures";
import { bodyOf, call, errorShape } from "./helpers";

const keyWith = async (account: TestAccount, scopes: string[]) =>
  ({ "X-API-Key": (await createKey(account, { name: scopes.join(" "), scopes })).secret }) as Record<string, string>;

const submit = (headers: Record<string, string>, body: Record<string, unknown>, path = "/api/compile/async") =>
  call(path, { method: "POST", ...jsonBody(body, headers) });

async function waitForJob(headers: Record<string, string>, id: string, status: string) {
  await vi.waitFor(
    async () => {
      const job = await bodyOf(await call(`/api/queue/results/${id}`, { headers }));
      if (job.status !== status) throw new Error(`job is ${job.status}`);
    },
    { timeout: 30_000, interval: 250 },
  );
}

const jobRow = async (id: string) =>
  (await withDatabase((db) => db.select().from(compilations).where(eq(compilations.id, id))))[0];

/** Jobs left queued with no message, as a backlog the consumer has not reached yet. */
const queuedBacklog = (account: TestAccount, count: number) =>
  withDatabase((db) =>
    db
      .insert(compilations)
      .values(
        Array.from({ length: count }, () => ({
          userId: account.userId,
          kind: "async" as const,
          status: "queued" as const,
          request: { configuration: configuration() },
        })),
      )
      .returning({ id: compilations.id }),
  );

const activeJobs = async (account: TestAccount) =>
  (
    await withDatabase((db) =>
      db
        .select({ id: compilations.id })
        .from(compilations)
        .where(and(eq(compilations.userId, account.userId), eq(compilations.status, "queued"))),
    )
  ).length;

describe("job routes need the jobs:read scope", () => {
  it("a keys:read-only key → 403 insufficient_scope on the job list and on a result", async () => {
    const account = await signIn();
    const submitter = await keyWith(account, ["compile:async"]);
    const { requestId } = await bodyOf(await submit(submitter, { configuration: configuration(), preFetchedContent }));
    const reader = await keyWith(account, ["keys:read"]);
    for (const path of ["/api/compile/jobs", `/api/queue/results/${requestId}`]) {
      const response = await call(path, { headers: reader });
      expect(response.status, path).toBe(403);
      expect(await bodyOf(response)).toEqual(errorShape("insufficient_scope"));
    }
  });

  it("a compile-only key (the default scope) → 403 on the job list", async () => {
    const account = await signIn();
    const response = await call("/api/compile/jobs", { headers: await keyWith(account, ["compile"]) });
    expect(response.status).toBe(403);
  });

  it("a jobs:read key reads the job list and results, but cannot queue a job", async () => {
    const account = await signIn();
    const submitter = await keyWith(account, ["compile:async"]);
    const { requestId } = await bodyOf(await submit(submitter, { configuration: configuration(), preFetchedContent }));
    const reader = await keyWith(account, ["jobs:read"]);
    await waitForJob(reader, requestId, "succeeded");
    const list = await bodyOf(await call("/api/compile/jobs", { headers: reader }));
    expect(list.jobs.map((job: { id: string }) => job.id)).toEqual([requestId]);
    expect((await submit(reader, { configuration: configuration(), preFetchedContent })).status).toBe(403);
  });

  it("a compile:async key follows its own Location: submitting jobs includes reading them", async () => {
    const account = await signIn();
    const submitter = await keyWith(account, ["compile:async"]);
    const accepted = await submit(submitter, { configuration: configuration(), preFetchedContent });
    const location = accepted.headers.get("Location") ?? "";
    expect((await call(location, { headers: submitter })).status).toBe(200);
    expect((await call("/api/compile/jobs", { headers: submitter })).status).toBe(200);
  });

  it("a signed-in session (the dashboard) holds the scope", async () => {
    const account = await signIn();
    expect((await call("/api/compile/jobs", { headers: account.headers })).status).toBe(200);
    const me = await bodyOf(await call("/api/me", { headers: account.headers }));
    expect(me.scopes).toContain("jobs:read");
  });
});

describe("an ended job keeps its configuration hash, and its request only as sent (no token) for a re-run", () => {
  it("succeeded → request kept without the Turnstile token; config hash, rule count and the result stay", async () => {
    const account = await signIn();
    const key = await keyWith(account, ["compile:async"]);
    const config = configuration();
    const body = { configuration: config, preFetchedContent, turnstileToken: "XXXX.DUMMY.TOKEN.XXXX" };
    const { requestId } = await bodyOf(await submit(key, body));
    await waitForJob(key, requestId, "succeeded");
    const row = await jobRow(requestId);
    expect(row.request).toEqual({ configuration: config, preFetchedContent });
    expect(JSON.stringify(row)).not.toContain("DUMMY.TOKEN");
    expect(row.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.ruleCount).toBe(3);
    const job = await bodyOf(await call(`/api/queue/results/${requestId}`, { headers: key }));
    expect(job.result.ruleCount).toBe(3);
  });

  it("failed → request kept for a re-run, the reason stays", async () => {
    const account = await signIn();
    const key = await keyWith(account, ["compile:async"]);
    const config = configuration({ sources: [{ source: "http://169.254.169.254/latest/meta-data" }] });
    const { requestId } = await bodyOf(await submit(key, { configuration: config }));
    await waitForJob(key, requestId, "failed");
    const row = await jobRow(requestId);
    expect(row.request).toEqual({ configuration: config });
    expect(row.error).toContain("169.254.169.254");
  });
});

describe("queued + running jobs are capped per user by tier", () => {
  it("free at its cap → 429 too_many_jobs with Retry-After, nothing queued; room again once one ends", async () => {
    const account = await signIn({ tier: "free" });
    const key = await keyWith(account, ["compile:async"]);
    const backlog = await queuedBacklog(account, MAX_ACTIVE_JOBS.free);

    const refused = await submit(key, { configuration: configuration(), preFetchedContent });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe(String(TOO_MANY_JOBS_RETRY_AFTER_SECONDS));
    expect(await bodyOf(refused)).toEqual(errorShape("too_many_jobs"));
    expect(await activeJobs(account)).toBe(MAX_ACTIVE_JOBS.free);

    await withDatabase((db) =>
      db.update(compilations).set({ status: "failed" }).where(eq(compilations.id, backlog[0].id)),
    );
    expect((await submit(key, { configuration: configuration(), preFetchedContent })).status).toBe(202);
  });

  it("a batch that would go over the cap is refused whole", async () => {
    const account = await signIn({ tier: "free" });
    const key = await keyWith(account, ["compile:async"]);
    await queuedBacklog(account, MAX_ACTIVE_JOBS.free - 1);
    const items = ["a", "b"].map((id) => ({ id, configuration: configuration(), preFetchedContent }));
    const refused = await submit(key, { items }, "/api/compile/batch/async");
    expect(refused.status).toBe(429);
    expect((await bodyOf(refused)).error.code).toBe("too_many_jobs");
    expect(await activeJobs(account)).toBe(MAX_ACTIVE_JOBS.free - 1);
  });

  it("pro has a higher cap than free", async () => {
    expect(MAX_ACTIVE_JOBS.pro).toBeGreaterThan(MAX_ACTIVE_JOBS.free);
    const account = await signIn({ tier: "pro" });
    const key = await keyWith(account, ["compile:async"]);
    await queuedBacklog(account, MAX_ACTIVE_JOBS.free);
    expect((await submit(key, { configuration: configuration(), preFetchedContent })).status).toBe(202);
  });
});
