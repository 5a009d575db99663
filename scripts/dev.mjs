/**
 * `npm run dev` — the whole local stack as one process tree:
 *   embedded Postgres (data in .data/pg; skipped when DATABASE_URL is set) → WebSocket bridge →
 *   migrations → Turnstile stub → `.dev.vars` (written once from .dev.vars.example) →
 *   `remix watch` (its first build), then `wrangler dev` on PORT (default 8787).
 * Stops on Ctrl-C, SIGTERM or SIGHUP, and when its parent process dies: children first,
 * Postgres last (a clean shutdown, so the data stays intact).
 * Env: PORT, DATABASE_URL, BLOQR_DATA_DIR (default .data), INSPECTOR_PORT.
 * While it runs, <data dir>/dev-stack.json tells tools where the database and the app are.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { ensureDevVars } from "./lib/dev-vars.mjs";
import { freePort } from "./lib/free-port.mjs";
import { startLocalServices } from "./lib/local-services.mjs";

const SERVER_BUILD = "build/index.js";
// A first build takes ~5 s here; a broken app never finishes one, and then the watcher's errors say why.
const FIRST_BUILD_TIMEOUT_MS = 120_000;

async function firstBuild(since) {
  const deadline = Date.now() + FIRST_BUILD_TIMEOUT_MS;
  for (;;) {
    let written = 0;
    try {
      written = statSync(SERVER_BUILD).mtimeMs;
    } catch {}
    if (written >= since) return;
    if (Date.now() > deadline) throw new Error("remix watch did not finish a build (see its output above)");
    await new Promise((done) => setTimeout(done, 200));
  }
}

const require = createRequire(import.meta.url);
const binOf = (pkg, file) => resolve(dirname(require.resolve(`${pkg}/package.json`)), file);
const REMIX_CLI = binOf("@remix-run/dev", "dist/cli.js");
const WRANGLER_CLI = binOf("wrangler", "bin/wrangler.js");
const PARENT_POLL_MS = 1000;
/** A child that has not exited this long after SIGTERM is killed. */
const CHILD_STOP_TIMEOUT_MS = 5000;

const port = Number(process.env.PORT ?? 8787);
const dataDir = resolve(process.env.BLOQR_DATA_DIR ?? ".data");
const stateFile = resolve(dataDir, "dev-stack.json");
const log = (line) => console.log(`[dev] ${line}`);

const children = [];
let services;
let stopping = false;

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  // Last started first: wrangler while the build it serves is still there, then the watcher.
  for (const child of children.toReversed()) await stop(child);
  await services?.stop();
  rmSync(stateFile, { force: true });
  log("stopped");
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => shutdown(0));
const parentPid = process.ppid;
setInterval(() => process.ppid !== parentPid && shutdown(0), PARENT_POLL_MS).unref();

/**
 * SIGTERM to the child alone, so it stops its own helpers (wrangler's esbuild and workerd) in its
 * own order; then whatever is left of its process group goes.
 */
function stop(child) {
  return new Promise((done) => {
    const sweep = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {} // nothing left
      done();
    };
    if (child.exitCode !== null || child.signalCode !== null) return sweep();
    child.once("exit", sweep);
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), CHILD_STOP_TIMEOUT_MS).unref();
  });
}

function run(name, args) {
  const child = spawn(process.execPath, args, {
    // Its own process group: Ctrl-C (SIGINT to the terminal's group) reaches only this script, which
    // stops the children in order. Signalled together, esbuild died under a wrangler still tearing
    // down and printed "The service is no longer running" traces.
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  child.once("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the stack`);
      shutdown(code || 1);
    }
  });
  children.push(child);
  return child;
}

async function main() {
  if (Number(process.versions.node.split(".")[0]) < 22) {
    throw new Error(`wrangler needs Node >= 22.12; this is ${process.version}. Run it through npm (npm run dev).`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`PORT must be a port number (1-65535), got ${JSON.stringify(process.env.PORT)}`);
  }
  mkdirSync(dataDir, { recursive: true });
  if (ensureDevVars()) log("wrote .dev.vars from .dev.vars.example with fresh development secrets");

  const started = Date.now();
  services = await startLocalServices({ dataDir, databaseUrl: process.env.DATABASE_URL, log: () => {} });
  log(`database ready and migrated in ${Date.now() - started} ms (${services.wsProxy ? "embedded/local" : "remote"})`);

  const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const vars = {
    DATABASE_URL: services.databaseUrl,
    CLERK_AUTHORIZED_PARTIES: [process.env.CLERK_AUTHORIZED_PARTIES, ...origins].filter(Boolean).join(","),
    ...(services.wsProxy && { NEON_WS_PROXY: services.wsProxy }),
    ...(services.turnstileVerifyUrl && { TURNSTILE_VERIFY_URL: services.turnstileVerifyUrl }),
    // A local list server for published lists' sources (the e2e tests start one); never in production.
    ...(process.env.SOURCE_ALLOW_PRIVATE_HOSTS && {
      SOURCE_ALLOW_PRIVATE_HOSTS: process.env.SOURCE_ALLOW_PRIVATE_HOSTS,
    }),
  };
  // wrangler starts on the watcher's first build: starting it on an earlier build would reload the
  // Worker a few seconds later, in the middle of whatever the first requests were doing.
  const watchStarted = Date.now();
  run("remix watch", [REMIX_CLI, "watch"]);
  await firstBuild(watchStarted);
  run("wrangler", [
    WRANGLER_CLI,
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(process.env.INSPECTOR_PORT ?? (await freePort())),
    "--persist-to",
    resolve(dataDir, "wrangler"),
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ]);
  const { databaseUrl, wsProxy, postgresPid } = services;
  const state = { pid: process.pid, appUrl: `http://localhost:${port}`, databaseUrl, wsProxy, postgresPid };
  writeFileSync(stateFile, JSON.stringify(state));
  log(`Bloqr on http://localhost:${port}`);
}

main().catch((error) => {
  console.error(`[dev] ${error.message}`);
  shutdown(1);
});
