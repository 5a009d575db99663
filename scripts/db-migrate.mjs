/**
 * `npm run db:migrate` — applies migrations/ to DATABASE_URL (Neon or any Postgres), or, when it
 * is unset, to the embedded development database in .data/pg.
 */
import { resolve } from "node:path";
import { startLocalServices } from "./lib/local-services.mjs";

const services = await startLocalServices({
  dataDir: resolve(process.env.BLOQR_DATA_DIR ?? ".data"),
  databaseUrl: process.env.DATABASE_URL,
  turnstile: false,
});
await services.stop();
console.log("migrations applied");
