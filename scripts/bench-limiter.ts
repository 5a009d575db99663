/**
 * `npm run bench:limiter`: how far each rate-limit backend overshoots the anonymous limit (10 per
 * minute) when a burst arrives at once. Starts the built Worker twice in local workerd
 * (RATE_LIMIT_BACKEND = kv, then durable-object) beside the Turnstile stub, fires bursts of
 * concurrent anonymous compiles, one fresh client IP per burst, and prints what got through.
 * Everything it starts is stopped before it exits.
 */
import { buildApp, startBenchWorker } from "./lib/bench-worker";
import { startTurnstileStub, TURNSTILE_DUMMY_TOKEN } from "./lib/turnstile-stub.mjs";

const ANONYMOUS_LIMIT = 10;
const BURST = Number(process.env.BURST ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BACKENDS = ["kv", "durable-object"] as const;

async function burst(url: string, round: number): Promise<{ passed: number; limited: number; other: number }> {
  const ip = `2001:db8:${Date.now().toString(16).slice(-4)}::${round + 1}`;
  const statuses = await Promise.all(
    Array.from({ length: BURST }, () =>
      fetch(`${url}/api/compile`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
        body: JSON.stringify({ configuration: {}, turnstileToken: TURNSTILE_DUMMY_TOKEN }),
      }).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }),
    ),
  );
  const limited = statuses.filter((status) => status === 429).length;
  const other = statuses.filter((status) => status >= 500).length;
  return { passed: statuses.length - limited - other, limited, other };
}

async function main() {
  buildApp();
  const turnstile = await startTurnstileStub();
  const results: Record<string, { passed: number[]; other: number }> = {};
  try {
    for (const backend of BACKENDS) {
      const worker = await startBenchWorker({
        // Anonymous compiles never reach the database; the URL only has to be well-formed.
        DATABASE_URL: "postgres://bench@127.0.0.1:9/unused",
        TURNSTILE_VERIFY_URL: turnstile.url,
        RATE_LIMIT_BACKEND: backend,
      });
      try {
        const url = `http://127.0.0.1:${worker.port}`;
        const passed: number[] = [];
        let other = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const outcome = await burst(url, round);
          passed.push(outcome.passed);
          other += outcome.other;
        }
        results[backend] = { passed, other };
      } finally {
        await worker.stop();
      }
    }
  } finally {
    await turnstile.close();
  }

  console.log(
    `\nAnonymous limit ${ANONYMOUS_LIMIT}/min; ${ROUNDS} bursts of ${BURST} concurrent requests, one IP each.\n`,
  );
  console.log("backend          passed per burst              max overshoot   5xx");
  for (const backend of BACKENDS) {
    const { passed, other } = results[backend];
    const overshoot = Math.max(...passed) - ANONYMOUS_LIMIT;
    console.log(
      `${backend.padEnd(16)} ${passed.join(", ").padEnd(29)} ${`${overshoot >= 0 ? "+" : ""}${overshoot}`.padEnd(15)} ${other}`,
    );
  }
  const exact = results["durable-object"].passed.every((count) => count === ANONYMOUS_LIMIT);
  console.log(`\nDurable Object backend exact (${ANONYMOUS_LIMIT} of ${BURST} every burst): ${exact ? "yes" : "NO"}`);
  if (!exact) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
