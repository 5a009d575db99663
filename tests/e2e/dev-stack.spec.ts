/**
 * `npm run dev` as a newcomer uses it: one command on a port of our choosing, data that survives
 * a restart, a health check that degrades (not hangs) when Postgres stops answering, and Ctrl-C
 * that leaves no process behind. Runs its own stack beside the one the other specs use.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "@neondatabase/serverless";
import { expect, test } from "@playwright/test";
import { configureNeonForNode } from "../../scripts/lib/migrate.mjs";
import { freePortSync } from "../support/free-port-sync";

const STARTUP_BUDGET_MS = 90_000;

function descendantsOf(rootPid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const found = [rootPid];
  for (let i = 0; i < found.length; i++) for (const [pid, ppid] of parentOf) if (ppid === found[i]) found.push(pid);
  return found;
}

const isAlive = (pid: number) => {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z"; // a zombie has exited; only its parent's bookkeeping is left
  } catch {
    return false;
  }
};

async function health(appUrl: string) {
  const started = Date.now();
  const response = await fetch(`${appUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    ms: Date.now() - started,
  };
}

class DevStack {
  child!: ChildProcess;
  constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  get logFile() {
    return join(this.dataDir, "dev.log");
  }

  async start() {
    const started = Date.now();
    this.child = spawn("npm", ["run", "dev"], {
      detached: true, // its own process group, so we can send Ctrl-C to all of it like a terminal does
      stdio: ["ignore", openSync(this.logFile, "a"), openSync(this.logFile, "a")],
      env: { ...process.env, PORT: String(this.port), BLOQR_DATA_DIR: this.dataDir },
    });
    while (Date.now() - started < STARTUP_BUDGET_MS && this.child.exitCode === null) {
      const status = await health(`http://localhost:${this.port}`).catch(() => null);
      if (status?.body?.db === "ok") return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const log = readFileSync(this.logFile, "utf8").slice(-3000);
    throw new Error(`npm run dev did not become healthy (budget ${STARTUP_BUDGET_MS} ms). Its output:\n${log}`);
  }

  state(): { databaseUrl: string; wsProxy: string; postgresPid: number } {
    return JSON.parse(readFileSync(join(this.dataDir, "dev-stack.json"), "utf8"));
  }

  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const { databaseUrl, wsProxy } = this.state();
    configureNeonForNode(wsProxy);
    const pool = new Pool({ connectionString: databaseUrl });
    // Stopping the stack terminates connections the driver may still be closing; that is expected here.
    pool.on("error", () => {});
    try {
      return (await pool.query(text, params)).rows as T[];
    } finally {
      await pool.end();
    }
  }

  /** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
  async interrupt() {
    const processes = descendantsOf(this.child.pid!);
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    process.kill(-this.child.pid!, "SIGINT");
    await exited;
    const deadline = Date.now() + 15_000;
    while (processes.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return processes.filter(isAlive);
  }
}

test("npm run dev: PORT honoured, data persists across restarts, DB hang → 503, Ctrl-C leaves nothing", async () => {
  test.setTimeout(300_000);
  const stack = new DevStack(freePortSync(), mkdtempSync(join(tmpdir(), "bloqr-devstack-")));
  const appUrl = `http://localhost:${stack.port}`;

  const firstStartMs = await stack.start();
  test.info().annotations.push({ type: "first start (ms)", description: String(firstStartMs) });
  const page = await fetch(`${appUrl}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("Every block list");

  const email = `persist-${Date.now()}@example.com`;
  await stack.query("insert into users (clerk_user_id, email) values ($1, $2)", [`user_${Date.now()}`, email]);

  // A hung database (SIGSTOP) must not hang the health check. Its backends too: the bridge keeps
  // sessions open between requests (scripts/lib/pg-session-pool.mjs).
  const hung = descendantsOf(stack.state().postgresPid);
  for (const pid of hung) process.kill(pid, "SIGSTOP");
  try {
    const degraded = await health(appUrl);
    expect(degraded.status).toBe(503);
    expect(degraded.body).toMatchObject({ status: "degraded", db: "down" });
    expect(degraded.ms).toBeLessThan(2_000);
  } finally {
    for (const pid of hung) process.kill(pid, "SIGCONT");
  }
  await expect.poll(async () => (await health(appUrl)).status, { timeout: 10_000 }).toBe(200);

  expect(await stack.interrupt()).toEqual([]);
  await expect(fetch(`${appUrl}/api/health`)).rejects.toThrow();

  const secondStartMs = await stack.start();
  test.info().annotations.push({ type: "restart (ms)", description: String(secondStartMs) });
  const rows = await stack.query<{ email: string }>("select email from users where email = $1", [email]);
  expect(rows).toEqual([{ email }]);
  expect(await stack.interrupt()).toEqual([]);
});
