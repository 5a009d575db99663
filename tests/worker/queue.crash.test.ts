/**
 * A queue consumer that dies mid-compile (the isolate killed: no catch, no ack, no retry) leaves
 * its job `running`. The queue delivers the message again; the job must be completed by that later
 * delivery once the dead consumer's 5-minute lease has ended — not lost, not compiled twice at
 * once, and not overwritten if the dead consumer turns out to be only slow.
 *
 * The consumer is driven through the bundled Worker's `queue` handler with hand-made deliveries of
 * one message, so a test decides when each delivery happens. The crash is a source fetch that
 * never settles (fetch is the network boundary; the compile has claimed the job and started).
 * Date is faked inside the isolate to pass the lease without waiting five minutes.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "bloqr-worker";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { compilations } from "~/db/schema";
import { JOB_LEASE_MS } from "~/services/jobs.server";
import { signIn, type TestAccount, withDatabase } from "./accounts";
import { ADS_LIST_URL, adsList } from "./compile-fixtures";
import { bodyOf, call, env, inject } from "./helpers";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A job as the async API stores it: one source pre-fetched, one fetched from the source server. */
async function queuedJob(account: TestAccount, overrides: Partial<typeof compilations.$inferInsert> = {}) {
  const name = `crash-${crypto.randomUUID()}`;
  const fetchedSource = `${inject("sourceServerUrl")}/plain/${name}`;
  const [job] = await withDatabase((db) =>
    db
      .insert(compilations)
      .values({
        userId: account.userId,
        kind: "async",
        status: "queued",
        request: {
          configuration: {
            name,
            sources: [
              { name: "ads", source: ADS_LIST_URL, type: "adblock" },
              { name: "fetched", source: fetchedSource, type: "adblock" },
            ],
            transformations: ["RemoveComments", "Deduplicate"],
          },
          preFetchedContent: { [ADS_LIST_URL]: adsList },
        },
        ...overrides,
      })
      .returning(),
  );
  return { job, fetchedSource, name };
}

const jobRow = async (id: string) =>
  (await withDatabase((db) => db.select().from(compilations).where(eq(compilations.id, id))))[0];

function delivery(jobId: string, attempts: number) {
  const message = {
    id: `msg-${crypto.randomUUID()}`,
    timestamp: new Date(),
    body: { jobId },
    attempts,
    ack: vi.fn(),
    retry: vi.fn(),
  };
  const batch = {
    queue: "bloqr-compile",
    messages: [message],
    ackAll: vi.fn(),
    retryAll: vi.fn(),
  } as unknown as MessageBatch<unknown>;
  return { message, batch };
}

/** Runs one delivery through the Worker's queue handler, as the runtime would. */
async function deliver(jobId: string, attempts: number) {
  const { message, batch } = delivery(jobId, attempts);
  const ctx = createExecutionContext();
  const done = worker.queue(batch, env, ctx).then(() => waitOnExecutionContext(ctx));
  return { message, done };
}

/**
 * Source fetches for `url` hang (one gate per call, in order) until the test opens the gate;
 * every other fetch goes through. Returns the gates, to open later.
 */
function hangFetchesOf(url: string, count: number) {
  const original = globalThis.fetch;
  const gates: { opened: boolean; open: (outcome: "answer" | "fail") => void }[] = [];
  let hung = 0;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const target = input instanceof Request ? input.url : String(input);
    if (target !== url || hung >= count) return original(input, init);
    hung++;
    return new Promise<Response>((resolve, reject) => {
      const gate = {
        opened: false,
        open(outcome: "answer" | "fail") {
          gate.opened = true;
          if (outcome === "answer") original(input, init).then(resolve, reject);
          else reject(new TypeError("Network connection lost."));
        },
      };
      gates.push(gate);
    });
  });
  return gates;
}

const passTheLease = () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + JOB_LEASE_MS + 60_000);
};

describe("a queue consumer that crashes mid-compile", () => {
  it("the job stays running under its lease; a later delivery after the lease completes it; nothing is lost", async () => {
    const account = await signIn();
    const { job, fetchedSource, name } = await queuedJob(account);
    const gates = hangFetchesOf(fetchedSource, 1);

    // First delivery: claims the job, loads the pre-fetched source, then hangs on the fetch — and
    // its isolate is never heard from again (no ack, no retry).
    const crashed = await deliver(job.id, 1);
    await vi.waitFor(() => expect(gates).toHaveLength(1), { timeout: 10_000 });
    const abandoned = await jobRow(job.id);
    expect(abandoned).toMatchObject({ status: "running", attempts: 1 });
    expect(abandoned.startedAt).not.toBeNull();

    // The message comes back while the lease holds: not compiled a second time at once, and not
    // dropped — retried for when the lease ends.
    const early = await deliver(job.id, 2);
    await early.done;
    expect(early.message.ack).not.toHaveBeenCalled();
    expect(early.message.retry).toHaveBeenCalledTimes(1);
    const { delaySeconds } = early.message.retry.mock.calls[0][0];
    expect(delaySeconds).toBeGreaterThan(JOB_LEASE_MS / 1000 - 30);
    expect(delaySeconds).toBeLessThanOrEqual(JOB_LEASE_MS / 1000);
    expect(await jobRow(job.id)).toMatchObject({ status: "running", attempts: 1 });

    // After the lease: the next delivery takes the job over and completes it.
    passTheLease();
    const later = await deliver(job.id, 3);
    await later.done;
    expect(later.message.ack).toHaveBeenCalledTimes(1);
    expect(later.message.retry).not.toHaveBeenCalled();
    expect(await jobRow(job.id)).toMatchObject({ status: "succeeded", attempts: 2, error: null });

    const result = await bodyOf(await call(`/api/queue/results/${job.id}`, { headers: account.headers }));
    expect(result.status).toBe("succeeded");
    expect(result.result.rules).toEqual(
      expect.arrayContaining(["||ads.example.com^", `||ads.${name}.example^`, `||tracker.${name}.example^`]),
    );

    // Should the first consumer ever wake up and fail, it changes nothing.
    gates[0].open("fail");
    await crashed.done;
    expect(await jobRow(job.id)).toMatchObject({ status: "succeeded", attempts: 2, error: null });
  });

  it("a consumer that was only slow cannot overwrite the delivery that took its job over", async () => {
    const account = await signIn();
    const { job, fetchedSource } = await queuedJob(account);
    const gates = hangFetchesOf(fetchedSource, 2);

    const slow = await deliver(job.id, 1);
    await vi.waitFor(() => expect(gates).toHaveLength(1), { timeout: 10_000 });
    passTheLease();
    const takeover = await deliver(job.id, 2);
    await vi.waitFor(() => expect(gates).toHaveLength(2), { timeout: 10_000 });
    expect(await jobRow(job.id)).toMatchObject({ status: "running", attempts: 2 });

    // The slow first attempt finishes while the second holds the job: its write is refused.
    gates[0].open("answer");
    await slow.done;
    expect(slow.message.ack).toHaveBeenCalledTimes(1);
    expect(await jobRow(job.id)).toMatchObject({ status: "running", attempts: 2, finishedAt: null });

    gates[1].open("answer");
    await takeover.done;
    expect(takeover.message.ack).toHaveBeenCalledTimes(1);
    expect(await jobRow(job.id)).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("through the real queue: a job a crash left running is completed when its message arrives after the lease", async () => {
    const account = await signIn();
    const { job } = await queuedJob(account, {
      status: "running",
      attempts: 1,
      startedAt: new Date(Date.now() - JOB_LEASE_MS - 60_000),
    });
    await env.COMPILE_QUEUE.send({ jobId: job.id });
    await vi.waitFor(async () => expect((await jobRow(job.id)).status).toBe("succeeded"), {
      timeout: 30_000,
      interval: 250,
    });
    expect(await jobRow(job.id)).toMatchObject({ attempts: 2, error: null });
  });
});
