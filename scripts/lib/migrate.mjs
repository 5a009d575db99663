/** Applies migrations/ with drizzle's migrator over the same driver the Worker uses. */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";

// require(), not import: under vitest's resolver an import of "ws" picks its browser stub.
const ws = createRequire(import.meta.url)("ws");
const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Points the Neon driver at a local bridge; without one it talks to Neon directly. */
export function configureNeonForNode(wsProxy) {
  neonConfig.webSocketConstructor = ws;
  if (wsProxy) {
    neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
}

export async function runMigrations({ databaseUrl, wsProxy }) {
  configureNeonForNode(wsProxy);
  const pool = new Pool({ connectionString: databaseUrl });
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await pool.end();
  }
}
