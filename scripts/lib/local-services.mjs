/**
 * The services the Worker needs beside it locally — Postgres (embedded unless DATABASE_URL is
 * given), the Neon WebSocket bridge, migrations and the Turnstile stub — started together and
 * stopped together. Used by `npm run dev`, `npm run db:migrate` and the Workers tests.
 */
import { join } from "node:path";
import { freePort } from "./free-port.mjs";
import { runMigrations } from "./migrate.mjs";
import { startPostgres } from "./postgres.mjs";
import { startTurnstileStub } from "./turnstile-stub.mjs";
import { startWsBridge } from "./ws-bridge.mjs";

const isLoopbackDatabase = (url) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);

/**
 * @param {{ dataDir: string, databaseUrl?: string, turnstile?: boolean, poolSessions?: boolean, log?: (line: string) => void }} options
 *   `poolSessions: false`: the bridge starts a Postgres backend per connection (no pooler in front)
 */
export async function startLocalServices({
  dataDir,
  databaseUrl,
  turnstile = true,
  poolSessions = true,
  log = () => {},
}) {
  const stops = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
  };
  try {
    let url = databaseUrl;
    let postgresPid;
    if (!url) {
      const postgres = await startPostgres({ dataDir: join(dataDir, "pg"), port: await freePort(), log });
      stops.push(postgres.stop);
      url = postgres.url;
      postgresPid = postgres.process.pid;
    }
    // Neon itself speaks WebSocket; only a plain local Postgres needs the bridge.
    let wsProxy;
    if (isLoopbackDatabase(url)) {
      const bridge = await startWsBridge({ pool: poolSessions });
      stops.push(bridge.close);
      wsProxy = `127.0.0.1:${bridge.port}`;
    }
    await runMigrations({ databaseUrl: url, wsProxy });
    let turnstileVerifyUrl;
    if (turnstile) {
      const stub = await startTurnstileStub();
      stops.push(stub.close);
      turnstileVerifyUrl = stub.url;
    }
    return { databaseUrl: url, wsProxy, turnstileVerifyUrl, postgresPid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
