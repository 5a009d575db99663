/**
 * `npm run bench:load`: the Worker under load on this machine. Starts a fresh embedded Postgres
 * (temporary data folder) with its WebSocket bridge and the Turnstile stub (startLocalServices),
 * builds the app and runs it in local workerd (wrangler unstable_dev, as bench-limiter does), signs
 * an admin in through the development sign-in (no tier limit, so nothing is refused) and creates
 * an API key (its own limit is counted: one Durable Object call), then measures three things:
 *
 * 1. The guard's added latency, warm: `bare` (GET /api/version: no guard, no database), `apiKey`
 *    and `session` (GET /api/me with the key / the session token) in alternating rounds of
 *    ROUND_MS, ROUNDS times, with 1 and with 8 clients; the added p50 is guarded − bare over the
 *    pooled rounds, so machine load drifting during the run falls on both alike.
 * 2. Dashboard TTFB: each server-rendered dashboard page with the session cookie, warm, in
 *    alternating rounds beside `bare`, with 1 and with 8 clients; p50 time to the response headers
 *    (Remix sends them once every loader has answered). Both parts print today's numbers from
 *    before decision 0029 (BEFORE) beside the run's.
 * 3. Throughput with CONCURRENCY clients for DURATION_MS each:
 *
 *   bare       GET  /api/version               the baseline
 *   apiKey     GET  /api/me with the API key    the guard
 *   health     GET  /api/health                 a database round trip (a new connection)
 *   compile    POST /api/compile with the key   a fresh configuration each time: compile + a row
 *   anonymous  POST /api/compile, one IP        rate limited: 10 pass a minute, then 429
 *   subscribe  GET  /l/{slug}.txt                a published list's file streamed from R2
 *   sub304     GET  /l/{slug}.txt If-None-Match  the blockers' hot path: one KV read, 304, no database
 *
 * For the last two a published list is made first: a local HTTP server serves its source (allowed
 * through SOURCE_ALLOW_PRIVATE_HOSTS), and "Refresh now" builds version 1 through the local queue.
 *
 * It prints requests/s, p50/p99 latency and the 5xx count, which must be 0 (exit code 1
 * otherwise). Only 127.0.0.1 is contacted, every loop ends after its duration, and everything
 * started is stopped before the script exits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
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
// Alternating rounds of the latency comparison (see the header): short rounds, many of them.
const ROUND_MS = Number(process.env.ROUND_MS ?? 1_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const LATENCY_CLIENTS = [1, 8];
// The issue's budget for the guard on a warm request, and its allowance under 8 clients.
const GUARD_BUDGET_MS = 2;
const DASHBOARD_TTFB_TARGET_MS = 30;
const DASHBOARD_PAGES = ["/dashboard", "/dashboard/keys", "/dashboard/jobs", "/dashboard/compile"];
// Today's numbers before decision 0029 (commit e5e82db, this bench on 2026-12-07 at load 8.6; a
// Postgres backend per connection), printed beside each run's. Only side-by-side ratios mean much
// on a shared 2-core machine: re-measure both with POOL_SESSIONS=off for a fair pair.
const BEFORE = {
  addedP50: { "1 apiKey": -0.14, "1 session": 6.51, "8 apiKey": 63.62, "8 session": 242.74 } as Record<string, number>,
  ttfbP50: {
    "/dashboard": 279.0,
    "/dashboard/keys": 168.2,
    "/dashboard/jobs": 201.0,
    "/dashboard/compile": 31.1,
  } as Record<string, number>,
};
const LIST_RULES = 2_000;
// POOL_SESSIONS=off: the local bridge starts a Postgres backend per connection, as before decision 0029.
const POOL_SESSIONS = process.env.POOL_SESSIONS !== "off";
// Which parts run (all by default): "latency,pages,throughput" — for a quick look at one of them.
const PARTS = new Set((process.env.PARTS ?? "latency,pages,throughput").split(","));

interface Sample {
  ms: number;
  /** Until the response headers: the time to first byte. */
  headersMs: number;
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

async function sample(base: string, scenario: Scenario, durationMs: number, clients = CONCURRENCY) {
  const samples: Sample[] = [];
  const deadline = Date.now() + durationMs;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) {
        const { path, init } = scenario.request(next++);
        const begin = performance.now();
        let headersMs = Number.NaN;
        let status = 0;
        try {
          const response = await fetch(base + path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
          headersMs = performance.now() - begin;
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 599; // no answer at all counts with the server errors
        }
        samples.push({ ms: performance.now() - begin, headersMs, status });
      }
    }),
  );
  return { samples, elapsedS: (performance.now() - started) / 1000 };
}

function summarize(scenario: Scenario, samples: Sample[], elapsedS: number) {
  const sorted = samples.map((one) => one.ms).sort((a, b) => a - b);
  const headers = samples.map((one) => one.headersMs).sort((a, b) => a - b);
  const count = (test: (status: number) => boolean) => samples.filter((one) => test(one.status)).length;
  return {
    name: scenario.name,
    what: scenario.what,
    requests: samples.length,
    perSecond: samples.length / elapsedS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ttfbP50: percentile(headers, 50),
    ok: count((status) => status < 400),
    limited: count((status) => status === 429),
    otherClientErrors: count((status) => status >= 400 && status < 500 && status !== 429),
    serverErrors: count((status) => status >= 500),
  };
}

type Result = ReturnType<typeof summarize>;

async function run(base: string, scenario: Scenario, durationMs: number, clients = CONCURRENCY): Promise<Result> {
  const { samples, elapsedS } = await sample(base, scenario, durationMs, clients);
  return summarize(scenario, samples, elapsedS);
}

/** The scenarios in alternating rounds with `clients` clients, each one's samples pooled. */
async function alternate(base: string, compared: Scenario[], clients: number): Promise<Result[]> {
  for (const scenario of compared) await sample(base, scenario, WARMUP_MS, clients);
  const pooled = compared.map(() => ({ samples: [] as Sample[], elapsedS: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, scenario] of compared.entries()) {
      const { samples, elapsedS } = await sample(base, scenario, ROUND_MS, clients);
      pooled[index].samples.push(...samples);
      pooled[index].elapsedS += elapsedS;
    }
  }
  return compared.map((scenario, index) => summarize(scenario, pooled[index].samples, pooled[index].elapsedS));
}

function listOf(name: string, rules: number) {
  return Array.from({ length: rules }, (_, index) => `||${name}-${index}.example^`).join("\n");
}

/** The admin's session token and the Cookie header its browser would send. */
async function signInAdmin(base: string): Promise<{ token: string; cookie: string }> {
  const response = await fetch(`${base}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: base },
    body: new URLSearchParams({ email: "bench@example.com", tier: "admin", role: "admin" }),
  });
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  const token = cookies.find((cookie) => cookie.startsWith("__session="))?.slice("__session=".length);
  if (response.status !== 302 || !token) throw new Error(`development sign-in answered ${response.status}`);
  return { token, cookie: cookies.join("; ") };
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

/** A source list on 127.0.0.1 for the published list. */
async function startListSource(): Promise<{ server: Server; url: string; host: string }> {
  const body = `! Title: bench\n${listOf("published", LIST_RULES)}\n`;
  const server = createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "text/plain", ETag: '"bench-1"' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/list.txt`, host: `127.0.0.1:${port}` };
}

/** A published list with its first version, and that version's ETag. */
async function publishList(base: string, token: string, source: string): Promise<{ path: string; etag: string }> {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const created = await fetch(`${base}/api/lists`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "bench", configuration: { name: "bench", sources: [{ source }] } }),
  });
  if (created.status !== 201) throw new Error(`creating the list answered ${created.status}: ${await created.text()}`);
  const { list } = (await created.json()) as { list: { id: string; urls: { adblock: string } } };
  const refreshed = await fetch(`${base}/api/lists/${list.id}/refresh`, { method: "POST", headers });
  if (refreshed.status !== 202) throw new Error(`refreshing the list answered ${refreshed.status}`);
  const path = new URL(list.urls.adblock).pathname;
  for (let waited = 0; waited < 30_000; waited += 250) {
    const response = await fetch(base + path);
    if (response.status === 200) {
      await response.arrayBuffer();
      return { path, etag: response.headers.get("ETag") ?? "" };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the published list got no version within 30 s");
}

const bareScenario: Scenario = { name: "bare", what: "GET /api/version", request: () => ({ path: "/api/version" }) };

const apiKeyScenario = (key: string): Scenario => ({
  name: "apiKey",
  what: "GET /api/me (API key)",
  request: () => ({ path: "/api/me", init: { headers: { "X-API-Key": key } } }),
});

const sessionScenario = (token: string): Scenario => ({
  name: "session",
  what: "GET /api/me (session token)",
  request: () => ({ path: "/api/me", init: { headers: { Authorization: `Bearer ${token}` } } }),
});

const pageScenario = (path: string, cookie: string): Scenario => ({
  name: path,
  what: `GET ${path}`,
  request: () => ({ path, init: { headers: { Cookie: cookie } } }),
});

function scenarios(key: string, published: { path: string; etag: string }): Scenario[] {
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
    bareScenario,
    apiKeyScenario(key),
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
    {
      name: "subscribe",
      what: `GET ${published.path.replace(/\/l\/[^.]+/, "/l/{slug}")} (${LIST_RULES} rules)`,
      request: () => ({ path: published.path }),
    },
    {
      name: "sub304",
      what: "the same with If-None-Match (→ 304)",
      request: () => ({ path: published.path, init: { headers: { "If-None-Match": published.etag } } }),
    },
  ];
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "-");
const signed = (value: number, digits = 1) => (value >= 0 ? "+" : "") + fixed(value, digits);

async function main() {
  buildApp();

  const dataDir = mkdtempSync(join(tmpdir(), "bloqr-bench-load-"));
  const services = await startLocalServices({ dataDir, poolSessions: POOL_SESSIONS });
  const listSource = await startListSource();
  let worker: BenchWorker | undefined;
  try {
    worker = await startBenchWorker({
      DATABASE_URL: services.databaseUrl,
      NEON_WS_PROXY: services.wsProxy ?? "",
      TURNSTILE_VERIFY_URL: services.turnstileVerifyUrl ?? "",
      RATE_LIMIT_BACKEND,
      SOURCE_ALLOW_PRIVATE_HOSTS: listSource.host,
    });
    const base = `http://127.0.0.1:${worker.port}`;
    const session = await signInAdmin(base);
    const key = await createApiKey(base, session.token);
    const published = await publishList(base, session.token, listSource.url);
    const [load] = loadavg();

    const latency = [];
    for (const clients of PARTS.has("latency") ? LATENCY_CLIENTS : []) {
      const [bare, ...guarded] = await alternate(
        base,
        [bareScenario, apiKeyScenario(key), sessionScenario(session.token)],
        clients,
      );
      latency.push({ clients, bare, guarded });
    }

    const pages = [];
    for (const clients of PARTS.has("pages") ? LATENCY_CLIENTS : []) {
      const [bare, ...rendered] = await alternate(
        base,
        [bareScenario, ...DASHBOARD_PAGES.map((path) => pageScenario(path, session.cookie))],
        clients,
      );
      pages.push({ clients, bare, rendered });
    }

    const results = [];
    for (const scenario of PARTS.has("throughput") ? scenarios(key, published) : []) {
      if (scenario.warmup !== false) await run(base, scenario, WARMUP_MS);
      results.push(await run(base, scenario, DURATION_MS));
    }

    console.log(
      `\nbench:load — ${cpus().length} cores, load average ${load.toFixed(1)} at the start, rate limiter: ${RATE_LIMIT_BACKEND}`,
    );
    console.log(
      `\nThe guard's added latency, warm (${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s per scenario; budget +${GUARD_BUDGET_MS} ms p50 with 1 client, +${2 * GUARD_BUDGET_MS} ms with 8):\n`,
    );
    console.log(
      `${"clients".padStart(7)} ${"bare p50".padStart(9)} ${"scenario".padEnd(8)} ${"p50 ms".padStart(7)} ${"added p50".padStart(10)} ${"before".padStart(8)} ${"p99 ms".padStart(7)} ${"req/s".padStart(7)} ${"5xx".padStart(4)}`,
    );
    for (const { clients, bare, guarded } of latency) {
      for (const result of guarded) {
        const added = result.p50 - bare.p50;
        const budget = clients === 1 ? GUARD_BUDGET_MS : 2 * GUARD_BUDGET_MS;
        console.log(
          `${String(clients).padStart(7)} ${fixed(bare.p50, 2).padStart(9)} ${result.name.padEnd(8)} ${fixed(result.p50, 2).padStart(7)} ${signed(added, 2).padStart(10)} ${signed(BEFORE.addedP50[`${clients} ${result.name}`] ?? Number.NaN, 1).padStart(8)} ${fixed(result.p99).padStart(7)} ${fixed(result.perSecond).padStart(7)} ${String(result.serverErrors).padStart(4)}  ${added <= budget ? "within budget" : "OVER BUDGET"}`,
        );
      }
    }

    console.log(
      `\nDashboard TTFB (session cookie, warm, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s beside the bare route; target p50 ≤ ${DASHBOARD_TTFB_TARGET_MS} ms with 1 client; before: 1 client):\n`,
    );
    for (const { clients, bare, rendered } of pages) {
      console.log(
        `${String(clients).padStart(2)} client(s)  ${bare.what.padEnd(22)} TTFB p50 ${fixed(bare.ttfbP50).padStart(6)} ms`,
      );
      for (const page of rendered) {
        const verdict = page.ttfbP50 <= DASHBOARD_TTFB_TARGET_MS ? "within target" : "OVER TARGET";
        console.log(
          `${String(clients).padStart(2)} client(s)  ${page.what.padEnd(22)} TTFB p50 ${fixed(page.ttfbP50).padStart(6)} ms${clients === 1 ? ` (before ${fixed(BEFORE.ttfbP50[page.name] ?? Number.NaN).padStart(5)})` : " ".repeat(15)}   full p50 ${fixed(page.p50).padStart(6)}   p99 ${fixed(page.p99).padStart(6)}   ${page.ok}/${page.requests} 2xx${clients === 1 ? `  ${verdict}` : ""}`,
        );
      }
    }

    console.log(
      `\nThroughput: ${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s per scenario after ${WARMUP_MS / 1000} s warm-up\n`,
    );
    console.log(
      `${"scenario".padEnd(10)} ${"what".padEnd(50)} ${"requests".padStart(8)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"2xx".padStart(6)} ${"429".padStart(6)} ${"4xx".padStart(5)} ${"5xx".padStart(5)}`,
    );
    for (const result of results) {
      console.log(
        `${result.name.padEnd(10)} ${result.what.padEnd(50)} ${String(result.requests).padStart(8)} ${fixed(result.perSecond).padStart(8)} ${fixed(result.p50).padStart(8)} ${fixed(result.p99).padStart(8)} ${String(result.ok).padStart(6)} ${String(result.limited).padStart(6)} ${String(result.otherClientErrors).padStart(5)} ${String(result.serverErrors).padStart(5)}`,
      );
    }
    const everything = [
      ...results,
      ...pages.flatMap(({ bare, rendered }) => [bare, ...rendered]),
      ...latency.flatMap(({ bare, guarded }) => [bare, ...guarded]),
    ];
    const serverErrors = everything.reduce((sum, result) => sum + result.serverErrors, 0);
    const anonymous = results.find((result) => result.name === "anonymous");
    if (anonymous) console.log(`Anonymous compiles let through: ${anonymous.ok} (limit 10 a minute per IP)`);
    console.log(`5xx in total: ${serverErrors}; load average at the end ${loadavg()[0].toFixed(1)}`);
    if (serverErrors > 0) process.exitCode = 1;
  } finally {
    await worker?.stop();
    await new Promise((resolve) => listSource.server.close(resolve));
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
