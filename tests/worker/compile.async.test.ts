/**
 * Async compiles through the real local queues: the job row first, the message with only its id,
 * the consumer in server.ts, retries, the dead-letter queue.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { compilations } from "~/db/schema";
import { createKey, jsonBody, signIn, type TestAccount, withDatabase } from "./accounts";
import { configuration, preFetchedContent, rulesOf } from "./compile-fixtures";
import { bodyOf, call, env, inject } from "./helpers";

async function submit(account: TestAccount, body: Record<string, unknown>, path = "/api/compile/async") {
  const { secret } = await createKey(account, { name: "async", scopes: ["compile", "compile:async"] });
  return call(path, { method: "POST", ...jsonBody(body, { "X-API-Key": secret }) });
}

async function waitForJob(
  account: TestAccount,
  id: string,
  until: (job: { status: string }) => boolean,
  timeout = 30_000,
) {
  let job = await bodyOf(new Response('{"status":"unknown"}'));
  await vi.waitFor(
    async () => {
      job = await bodyOf(await call(`/api/queue/results/${id}`, { headers: account.headers }));
      if (!until(job)) throw new Error(`job is ${job.status}`);
    },
    { timeout, interval: 250 },
  );
  return job;
}

describe("POST /api/compile/async", () => {
  it("202 → consumed from the real queue → succeeded with the rules", async () => {
    const account = await signIn();
    const response = await submit(account, { configuration: configuration(), preFetchedContent });
    expect(response.status).toBe(202);
    const accepted = await bodyOf(response);
    expect(accepted).toEqual({
      requestId: expect.any(String),
      priority: "standard",
      status: "queued",
      location: `/api/queue/results/${accepted.requestId}`,
    });
    expect(response.headers.get("Location")).toBe(accepted.location);

    const job = await waitForJob(account, accepted.requestId, (job) => job.status === "succeeded");
    expect(job.attempts).toBe(1);
    expect(job.ruleCount).toBe(3);
    expect(rulesOf(job.result.rules)).toEqual([
      "||ads.example.com^",
      "||tracker.example.net^$third-party",
      "||malware.example.com^",
    ]);
  });

  // Six deliveries and the dead-letter hop each wait out a batch window (2 s): about 15 s idle, more
  // than twice that when the whole suite loads the machine.
  const sixDeliveries = 90_000;
  it("a source that always fails → retried, then failed with the reason", { timeout: sixDeliveries }, async () => {
    const account = await signIn();
    // A 503 is a failure a retry might cure. (A reserved .invalid name did the same, but resolving it
    // waited on this machine's resolver, seconds at a time under load.)
    const config = configuration({ sources: [{ source: `${inject("sourceServerUrl")}/status/503` }] });
    const { requestId } = await bodyOf(await submit(account, { configuration: config }));
    const job = await waitForJob(account, requestId, (job) => job.status === "failed", sixDeliveries);
    // The first delivery and max_retries (5) redeliveries, then the dead-letter queue marked it failed.
    expect(job.attempts).toBe(6);
    expect(job.error).toContain("503");
  });

  it("a refused source fails at once, without retries", async () => {
    const account = await signIn();
    const config = configuration({ sources: [{ source: "http://169.254.169.254/latest/meta-data" }] });
    const { requestId } = await bodyOf(await submit(account, { configuration: config }));
    const job = await waitForJob(account, requestId, (job) => job.status === "failed");
    expect(job.attempts).toBe(1);
  });

  it("redelivering a finished job's message does not compile it again", async () => {
    const account = await signIn();
    const { requestId } = await bodyOf(await submit(account, { configuration: configuration(), preFetchedContent }));
    const done = await waitForJob(account, requestId, (job) => job.status === "succeeded");
    await env.COMPILE_QUEUE.send({ jobId: requestId });
    // Give the consumer time to receive it (max_batch_timeout is 2 s), then check nothing changed.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const [row] = await withDatabase((db) => db.select().from(compilations).where(eq(compilations.id, requestId)));
    expect(row.attempts).toBe(1);
    expect(row.finishedAt?.toISOString()).toBe(done.finishedAt);
  });

  it("priority high: pro may, free may not (403)", async () => {
    const free = await signIn({ tier: "free" });
    const refused = await submit(free, { configuration: configuration(), preFetchedContent, priority: "high" });
    expect(refused.status).toBe(403);
    expect((await bodyOf(refused)).error.code).toBe("priority_not_allowed");

    const pro = await signIn({ tier: "pro" });
    const accepted = await submit(pro, { configuration: configuration(), preFetchedContent, priority: "high" });
    expect(accepted.status).toBe(202);
    const { requestId, priority } = await bodyOf(accepted);
    expect(priority).toBe("high");
    await waitForJob(pro, requestId, (job) => job.status === "succeeded");
  });

  it("anonymous → 401; a key without compile:async → 403", async () => {
    const anonymous = await call("/api/compile/async", {
      method: "POST",
      ...jsonBody({ configuration: configuration() }),
    });
    expect(anonymous.status).toBe(401);
    const account = await signIn();
    const { secret } = await createKey(account, { name: "sync only", scopes: ["compile"] });
    const response = await call("/api/compile/async", {
      method: "POST",
      ...jsonBody({ configuration: configuration() }, { "X-API-Key": secret }),
    });
    expect(response.status).toBe(403);
  });
});

describe("jobs and results", () => {
  it("another user's job → 404, the same as a job that does not exist", async () => {
    const owner = await signIn();
    const stranger = await signIn();
    const { requestId } = await bodyOf(await submit(owner, { configuration: configuration(), preFetchedContent }));
    const foreign = await call(`/api/queue/results/${requestId}`, { headers: stranger.headers });
    expect(foreign.status).toBe(404);
    const missing = await call(`/api/queue/results/${crypto.randomUUID()}`, { headers: stranger.headers });
    expect(await bodyOf(foreign)).toEqual(await bodyOf(missing));
    expect((await call("/api/queue/results/not-a-uuid", { headers: stranger.headers })).status).toBe(404);
  });

  it("POST /api/compile/batch/async queues each item; the job list pages through them", async () => {
    const account = await signIn();
    const items = Array.from({ length: 3 }, (_, index) => ({
      id: `item-${index}`,
      configuration: configuration(),
      preFetchedContent,
    }));
    const response = await submit(account, { items }, "/api/compile/batch/async");
    expect(response.status).toBe(202);
    const { requests } = await bodyOf(response);
    expect(requests.map((request: { id: string }) => request.id)).toEqual(["item-0", "item-1", "item-2"]);

    const first = await bodyOf(await call("/api/compile/jobs?limit=2", { headers: account.headers }));
    expect(first.jobs).toHaveLength(2);
    const second = await bodyOf(
      await call(`/api/compile/jobs?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, {
        headers: account.headers,
      }),
    );
    expect(second.jobs).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.jobs, ...second.jobs].map((job: { id: string }) => job.id).sort();
    expect(ids).toEqual(requests.map((request: { requestId: string }) => request.requestId).sort());
  });
});
