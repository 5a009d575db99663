/** The wait before a job, list refresh or webhook delivery is tried again. */

// Capped so that a job is not parked for hours behind a source that was down.
export const MAX_RETRY_DELAY_SECONDS = 15 * 60;

/** Doubles per attempt from the configured base: attempt 1 waits the base. */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 2 ** Math.max(0, attempts - 1));
}
