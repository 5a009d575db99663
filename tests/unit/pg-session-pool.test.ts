/**
 * The local bridge's warm Postgres sessions (scripts/lib/pg-session-pool.mjs) against a real
 * embedded Postgres through the Neon driver, as the Worker reaches it: a backend is handed on only
 * after a clean goodbye and `DISCARD ALL`, and only to a client that presents the same password.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServices } from "../../scripts/lib/local-services.mjs";
import { configureNeonForNode } from "../../scripts/lib/migrate.mjs";

let services: Awaited<ReturnType<typeof startLocalServices>>;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "bloqr-session-pool-"));
  services = await startLocalServices({ dataDir, turnstile: false });
  configureNeonForNode(services.wsProxy);
}, 120_000);

afterAll(async () => {
  await services?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One connection as a Worker request makes it: open, run `work`, say goodbye. */
async function session<T>(work: (pool: Pool) => Promise<T>, url = services.databaseUrl): Promise<T> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

const backendPid = (pool: Pool) =>
  pool.query<{ pid: number }>("select pg_backend_pid() as pid").then(({ rows }) => rows[0].pid);

describe("warm Postgres sessions behind the local bridge", () => {
  it("a second connection is answered by the backend the first one left", async () => {
    const first = await session(backendPid);
    expect(await session(backendPid)).toBe(first);
  });

  it("what a session set is gone for the next one (DISCARD ALL)", async () => {
    const pid = await session(async (pool) => {
      await pool.query("set application_name = 'left behind'");
      await pool.query("create temp table left_behind (x int)");
      return backendPid(pool);
    });
    const seen = await session(async (pool) => ({
      pid: await backendPid(pool),
      name: (await pool.query("show application_name")).rows[0].application_name,
      temp: (await pool.query("select count(*)::int as n from pg_class where relname = 'left_behind'")).rows[0].n,
    }));
    expect(seen).toEqual({ pid, name: expect.not.stringContaining("left behind"), temp: 0 });
  });

  it("a client gone inside a transaction → its backend is closed, not handed on", async () => {
    const pool = new Pool({ connectionString: services.databaseUrl, max: 1 });
    const client = await pool.connect();
    await client.query("begin");
    const pid = (await client.query("select pg_backend_pid() as pid")).rows[0].pid;
    client.release();
    await pool.end();
    const next = await session(async (pool) => ({
      pid: await backendPid(pool),
      inTransaction: (await pool.query("select now() = statement_timestamp() as fresh")).rows[0].fresh,
    }));
    expect(next.pid).not.toBe(pid);
    expect(next.inTransaction).toBe(true);
  });

  it("a wrong password is refused even when a warm backend waits", async () => {
    await session(backendPid);
    const wrong = services.databaseUrl.replace(/:[^:@/]+@/, ":not-the-password@");
    await expect(session(backendPid, wrong)).rejects.toThrow(/password authentication failed/);
  });
});
