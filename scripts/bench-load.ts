/**
 * `npm run bench:load`: the Worker under concurrent load on this machine. Starts a fresh embedded
 * Postgres (temporary data folder) with its WebSocket bridge and the Turnstile stub
 * (startLocalServices), builds the app and runs it in local workerd (wrangler unstable_dev, as
 * bench-limiter does), signs an admin in through the development sign-in and creates an API key,
 * then runs each scenario for DURATION_MS with CONCURRENCY clients in a loop:
 *
 *   bare       GET  /api/version               no guard, no database: the baseline
 *   guarded    GET  /api/me with the API key    the guard: key lookup in Postgres, rate limit
 *   health     GET  /api/health                 a database round trip
 *   compile    POST /api/compile with the key   a fresh configuration each time: compile + a row
 *   anonymous  POST /api/compile, one IP        rate limited: 10 pass a minute, then 429
 *
 * and prints requests/s, p50/p99 latency, the guard's added latency (guarded − bare, same run) and
 * the 5xx count, which must be 0 (exit code 1 otherwise). Only 127.0.0.1 is contacted, every loop
 * ends after its duration, and everything started is stopped before the script exits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchWorker, buildApp, startBenchWorker } from "./lib/bench-worker";
import { startLocalServices } from "./lib/local-services.mjs";
import { TURNSTILE_DUMMY_TOKEN } from "./lib/turnstile-stub.mjs";

const DURATION_MS = Number(process.env.DURATION_MS ?? 5_000);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 1_000);
// Two cores run Postgres, workerd and this client together: more clients only queue.
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const RATE_LIMIT_BACKEND = process.env.RATE_LIMIT_BACKEND ?? "durable-object";
// Each client gives up on a request after this long: a hung Worker ends the run, not the machine.
const REQUEST_TIMEOUT_MS = 30_000;
const LIST_RULES = 2_000;

interface Sample {
  ms: number;
  status: number;
}

interface Scenario {
  name: string;
  what: string;
  /** Warm up first (not for the limited path: the warm-up would spend the minute's allowance). */
  warmup?: boolean;
  request: (index: number) => { path: string; init?: RequestInit };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(base: string, scenario: Scenario, durationMs: number) {
  const samples: Sample[] = [];
  const deadline = Date.now() + durationMs;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        const { path, init } = scenario.request(next++);
        const begin = performance.now();
        let status = 0;
        try {
          const response = await fetch(base + path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 599; // no answer at all counts with the server errors
        }
        samples.push({ ms: performance.now() - begin, status });
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const count = (test: (status: number) => boolean) => samples.filter((sample) => test(sample.status)).length;
  return {
    name: scenario.name,
    what: scenario.what,
    requests: samples.length,
    perSecond: samples.length / elapsedS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ok: count((status) => status < 400),
    limited: count((status) => status === 429),
    otherClientErrors: count((status) => status >= 400 && status < 500 && status !== 429),
    serverErrors: count((status) => status >= 500),
  };
}

function listOf(name: string, rules: number) {
  return Array.from({ length: rules }, (_, index) => `||${name}-${index}.example^`).join("\n");
}

async function signInAdmin(base: string): Promise<string> {
  const response = await fetch(`${base}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: base },
    body: new URLSearchParams({ email: "bench@example.com", tier: "admin", role: "admin" }),
  });
  const token = /__session=([^;]+)/.exec(response.headers.getSetCookie().join("\n"))?.[1];
  if (response.status !== 302 || !token) throw new Error(`development sign-in answered ${response.status}`);
  return token;
}

async function createApiKey(base: string, token: string): Promise<string> {
  const response = await fetch(`${base}/api/keys`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "bench:load", scopes: ["compile"], rateLimitPerMinute: 100_000 }),
  });
  if (response.status !== 201)
    throw new Error(`creating the key answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { secret: string }).secret;
}

function scenarios(key: string): Scenario[] {
  const adsUrl = "https://lists.example.invalid/ads.txt";
  const hostsUrl = "https://lists.example.invalid/hosts.txt";
  const preFetchedContent = {
    [adsUrl]: listOf("ads", LIST_RULES),
    [hostsUrl]: listOf("hosts", LIST_RULES).replaceAll("||", "0.0.0.0 ").replaceAll("^", ""),
  };
  const compileBody = (name: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      configuration: {
        name,
        sources: [
          { name: "ads", source: adsUrl, type: "adblock" },
          { name: "hosts", source: hostsUrl, type: "hosts" },
        ],
        transformations: ["RemoveComments", "Compress", "Deduplicate"],
      },
      preFetchedContent,
      ...extra,
    });
  const anonymousIp = `2001:db8:${Date.now().toString(16).slice(-4)}::1`;
  return [
    { name: "bare", what: "GET /api/version", request: () => ({ path: "/api/version" }) },
    {
      name: "guarded",
      what: "GET /api/me (API key)",
      request: () => ({ path: "/api/me", init: { headers: { "X-API-Key": key } } }),
    },
    { name: "health", what: "GET /api/health", request: () => ({ path: "/api/health" }) },
    {
      name: "compile",
      what: `POST /api/compile (API key, 2×${LIST_RULES} rules, uncached)`,
      request: (index) => ({
        path: "/api/compile",
        init: {
          method: "POST",
          headers: { "X-API-Key": key, "Content-Type": "application/json" },
          body: compileBody(`bench ${index} ${Date.now()}`),
        },
      }),
    },
    {
      name: "anonymous",
      what: "POST /api/compile (anonymous, one IP, Turnstile)",
      warmup: false,
      request: (index) => ({
        path: "/api/compile",
        init: {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": anonymousIp },
          body: compileBody(`anonymous ${index}`, { turnstileToken: TURNSTILE_DUMMY_TOKEN }),
        },
      }),
    },
  ];
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

async function main() {
  buildApp();

  const dataDir = mkdtempSync(join(tmpdir(), "bloqr-bench-load-"));
  const services = await startLocalServices({ dataDir });
  let worker: BenchWorker | undefined;
  try {
    worker = await startBenchWorker({
      DATABASE_URL: services.databaseUrl,
      NEON_WS_PROXY: services.wsProxy ?? "",
      TURNSTILE_VERIFY_URL: services.turnstileVerifyUrl ?? "",
      RATE_LIMIT_BACKEND,
    });
    const base = `http://127.0.0.1:${worker.port}`;
    const key = await createApiKey(base, await signInAdmin(base));

    const results = [];
    for (const scenario of scenarios(key)) {
      if (scenario.warmup !== false) await run(base, scenario, WARMUP_MS);
      results.push(await run(base, scenario, DURATION_MS));
    }

    console.log(
      `\nbench:load — ${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s per scenario after ${WARMUP_MS / 1000} s warm-up, rate limiter: ${RATE_LIMIT_BACKEND}\n`,
    );
    console.log(
      `${"scenario".padEnd(10)} ${"what".padEnd(50)} ${"requests".padStart(8)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"2xx".padStart(6)} ${"429".padStart(6)} ${"4xx".padStart(5)} ${"5xx".padStart(5)}`,
    );
    for (const result of results) {
      console.log(
        `${result.name.padEnd(10)} ${result.what.padEnd(50)} ${String(result.requests).padStart(8)} ${fixed(result.perSecond).padStart(8)} ${fixed(result.p50).padStart(8)} ${fixed(result.p99).padStart(8)} ${String(result.ok).padStart(6)} ${String(result.limited).padStart(6)} ${String(result.otherClientErrors).padStart(5)} ${String(result.serverErrors).padStart(5)}`,
      );
    }
    const bare = results.find((result) => result.name === "bare")!;
    const guarded = results.find((result) => result.name === "guarded")!;
    console.log(
      `\nThe guard's added latency (guarded − bare, same run): p50 ${fixed(guarded.p50 - bare.p50)} ms, p99 ${fixed(guarded.p99 - bare.p99)} ms`,
    );
    const serverErrors = results.reduce((sum, result) => sum + result.serverErrors, 0);
    const anonymous = results.find((result) => result.name === "anonymous")!;
    console.log(
      `Anonymous compiles let through: ${anonymous.ok} (limit 10 a minute per IP); 5xx in total: ${serverErrors}`,
    );
    if (serverErrors > 0) process.exitCode = 1;
  } finally {
    await worker?.stop();
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
