/**
 * Issue 15, items 1–2: `/regex/` patterns cannot stall the isolate, and one compile budget bounds
 * what a compile may hold — at the API (413 before anything is loaded or queued) and in the queue
 * consumer (the job fails at once, no retries).
 */
import { describe, expect, it, vi } from "vitest";
import { MAX_INPUT_BYTES } from "~/compiler";
import { createKey, jsonBody, signIn, type TestAccount } from "./accounts";
import { browserCompile, rulesOf } from "./compile-fixtures";
import { bodyOf, call, errorShape, inject, timedCall } from "./helpers";

const MB = 1024 * 1024;
const LIST_URL = "https://lists.example.org/list.txt";
const PART_URL = "https://lists.example.org/part.txt";

const named = (overrides: Record<string, unknown>) => ({ name: `Budget ${crypto.randomUUID()}`, ...overrides });

/** Distinct rules, about `bytes` characters. */
function rules(bytes: number): string {
  const lines: string[] = [];
  for (let index = 0, size = 0; size < bytes; index++) {
    const line = `||r${index}.example.org^`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}

describe("/regex/ patterns run in linear time", () => {
  it("the nested quantifier /(a+)+$/ on 30 a's and `!` answers in well under a second, and /api/health is served meanwhile", async () => {
    const body = {
      configuration: named({ sources: [{ source: LIST_URL }], exclusions: ["/(a+)+$/"] }),
      preFetchedContent: { [LIST_URL]: `${"a".repeat(30)}!\n||kept.example^\n` },
    };
    // warm: the first request of an isolate pays for loading the bundle, not for the pattern
    await call("/api/compile", browserCompile({ ...body, configuration: named({ sources: [{ source: LIST_URL }] }) }));
    const compiling = timedCall("/api/compile", browserCompile(body));
    const health = timedCall("/api/health");
    const [compiled, served] = await Promise.all([compiling, health]);
    expect(compiled.response.status).toBe(200);
    expect(rulesOf((await bodyOf(compiled.response)).rules)).toEqual([`${"a".repeat(30)}!`, "||kept.example^"]);
    expect(compiled.responseMs).toBeLessThan(1_000);
    expect(served.response.status).toBe(200);
    expect(served.responseMs).toBeLessThan(1_000);
  });

  it.each([
    ["/^ads(?=\\.)/", "lookahead"],
    ["/(?<!@@)ads/", "lookbehind"],
    ["/(ads)\\1/", "backreferences"],
  ])("%s → 400 invalid_configuration naming the pattern and why (%s)", async (pattern, why) => {
    const body = {
      configuration: named({ sources: [{ source: LIST_URL }], exclusions: [pattern] }),
      preFetchedContent: { [LIST_URL]: "||ads.example^\n" },
    };
    const response = await call("/api/compile", browserCompile(body));
    expect(response.status).toBe(400);
    const { error } = await bodyOf(response);
    expect(error.code).toBe("invalid_configuration");
    expect(error.message).toContain(`regular expression ${pattern} is not supported`);
    expect(error.message).toContain(why);
  });
});

describe("the compile budget", () => {
  it("32 sources naming one 1 MB pre-fetched entry → 413 compile_too_large naming input_bytes", async () => {
    const body = {
      configuration: named({ sources: Array.from({ length: 32 }, () => ({ source: LIST_URL })) }),
      preFetchedContent: { [LIST_URL]: rules(MB) },
    };
    const response = await call("/api/compile", browserCompile(body));
    expect(response.status).toBe(413);
    const payload = await bodyOf(response);
    expect(payload).toEqual(errorShape("compile_too_large"));
    expect(payload.error.message).toContain("limit input_bytes = 25165824");
    expect(payload.error.message).toContain("24 MB");
  });

  it("100 !#include lines of one 1 MB entry → 413 compile_too_large naming the cap", async () => {
    const body = {
      configuration: named({ sources: [{ source: LIST_URL }] }),
      preFetchedContent: {
        [LIST_URL]: Array.from({ length: 100 }, () => "!#include part.txt").join("\n"),
        [PART_URL]: rules(MB),
      },
    };
    const response = await call("/api/compile", browserCompile(body));
    expect(response.status).toBe(413);
    const payload = await bodyOf(response);
    expect(payload).toEqual(errorShape("compile_too_large"));
    expect(payload.error.message).toMatch(/limit (input_bytes|includes) = \d+/);
  });

  it("33 sources → 413 compile_too_large naming sources", async () => {
    const body = {
      configuration: named({ sources: Array.from({ length: 33 }, () => ({ source: LIST_URL })) }),
      preFetchedContent: { [LIST_URL]: "||a.example^" },
    };
    const response = await call("/api/compile", browserCompile(body));
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).error.message).toContain("limit sources = 32");
  });
});

describe("the queue consumer enforces the same budget", () => {
  async function submit(account: TestAccount, body: Record<string, unknown>) {
    const { secret } = await createKey(account, { name: "async", scopes: ["compile", "compile:async"] });
    return call("/api/compile/async", { method: "POST", ...jsonBody(body, { "X-API-Key": secret }) });
  }

  it("an over-budget configuration that can be seen at once → 413 at submission, nothing queued", async () => {
    const account = await signIn();
    const body = {
      configuration: named({ sources: Array.from({ length: 32 }, () => ({ source: LIST_URL })) }),
      preFetchedContent: { [LIST_URL]: rules(MB) },
    };
    const response = await submit(account, body);
    expect(response.status).toBe(413);
    expect(await bodyOf(response)).toEqual(errorShape("compile_too_large"));
    const jobs = await bodyOf(await call("/api/compile/jobs", { headers: account.headers }));
    expect(jobs.jobs).toEqual([]);
  });

  it("includes past the cap, found only while compiling → the job fails at once with the cap, no retries", async () => {
    const account = await signIn();
    const body = {
      configuration: named({ sources: [{ source: LIST_URL }] }),
      preFetchedContent: {
        [LIST_URL]: Array.from({ length: 100 }, () => "!#include part.txt").join("\n"),
        [PART_URL]: "||included.example^",
      },
    };
    const response = await submit(account, body);
    expect(response.status).toBe(202);
    const { requestId } = await bodyOf(response);
    let job = { status: "queued", attempts: 0, error: "" };
    await vi.waitFor(
      async () => {
        job = await bodyOf(await call(`/api/queue/results/${requestId}`, { headers: account.headers }));
        if (job.status !== "failed") throw new Error(`job is ${job.status}`);
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(job.attempts).toBe(1);
    expect(job.error).toContain("Compile too large");
    expect(job.error).toContain("limit includes = 16");
    // and the owner sees it among their jobs
    const jobs = await bodyOf(await call("/api/compile/jobs", { headers: account.headers }));
    expect(jobs.jobs).toEqual([expect.objectContaining({ id: requestId, status: "failed" })]);
  });

  it("a source of 1.5× the input budget → the job fails at once naming the limit, the body cut off while it streams", async () => {
    const account = await signIn();
    const source = `${inject("sourceServerUrl")}/stream/over-budget-${crypto.randomUUID()}?bytes=${1.5 * MAX_INPUT_BYTES}`;
    const response = await submit(account, { configuration: named({ sources: [{ source }] }) });
    expect(response.status).toBe(202);
    const { requestId } = await bodyOf(response);
    let job = { status: "queued", attempts: 0, error: "", result: null };
    await vi.waitFor(
      async () => {
        job = await bodyOf(await call(`/api/queue/results/${requestId}`, { headers: account.headers }));
        if (job.status !== "failed") throw new Error(`job is ${job.status}`);
      },
      { timeout: 30_000, interval: 250 },
    );
    // Not retried: a larger list never fits on a later try. The fetch stopped at the first cap it
    // passed (a source's 20 MB, below the compile's 24 MB), so the list was never held whole.
    expect(job.attempts).toBe(1);
    expect(job.error).toContain("is larger than 20 MB, the limit for one source");
    expect(job.result).toBeNull();
  });
});
