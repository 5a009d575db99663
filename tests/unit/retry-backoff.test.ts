import { describe, expect, it } from "vitest";
import { MAX_RETRY_DELAY_SECONDS, retryDelaySeconds } from "~/services/retry-backoff";

describe("retry backoff (jobs, list refreshes, list webhook deliveries)", () => {
  it("doubles per attempt from the base: 5, 10, 20, 40, 80 s", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelaySeconds(attempt, 5))).toEqual([5, 10, 20, 40, 80]);
  });

  it("never waits longer than the cap, however many attempts", () => {
    expect(retryDelaySeconds(30, 5)).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(retryDelaySeconds(9, 5)).toBeLessThanOrEqual(MAX_RETRY_DELAY_SECONDS);
  });

  it("a zero base (the test stack) retries at once", () => {
    expect(retryDelaySeconds(4, 0)).toBe(0);
  });
});
