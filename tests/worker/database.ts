/**
 * Direct access to the test run's Postgres, to arrange rows and to check what a request changed.
 * It connects the way the Worker does (through the local WebSocket bridge) with its own pool.
 */
import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import * as schema from "../../app/db/schema";
import { inject } from "./helpers";

export type TestDatabase = NeonDatabase<typeof schema>;

export async function withDatabase<T>(use: (db: TestDatabase) => Promise<T>): Promise<T> {
  const { DATABASE_URL, NEON_WS_PROXY: proxy } = inject("testBindings");
  if (proxy) {
    neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: DATABASE_URL });
  pool.on("error", () => {});
  try {
    return await use(drizzle({ client: pool, schema }));
  } finally {
    await pool.end().catch(() => {});
  }
}
