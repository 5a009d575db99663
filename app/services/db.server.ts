/**
 * Postgres through @neondatabase/serverless (WebSocket Pool, so transactions work) and drizzle.
 * A Worker may not share sockets across requests, so each request opens its own pool lazily
 * and closes it after the response (`close()` is handed to ctx.waitUntil by server.ts).
 */
import { neonConfig, Pool } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import * as schema from "~/db/schema";
import type { AppEnv } from "./env.server";

export type Database = NeonDatabase<typeof schema>;

// Bounds the connect and Postgres' start-up handshake (queries are raced against their own timers).
// A request must answer within 2 s even when the database hangs, and Neon wakes a suspended
// compute in well under a second, so 1.5 s fails only a database that is really not there.
const CONNECT_TIMEOUT_MS = 1_500;

function configureDriver(env: AppEnv) {
  // Locally a plain Postgres sits behind a WebSocket bridge without TLS; Neon needs none of this.
  if (env.NEON_WS_PROXY) {
    const proxy = env.NEON_WS_PROXY;
    neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
}

export interface DatabaseHandle {
  /** The request's database; the pool opens on first use. */
  readonly db: Database;
  /** Keeps the pool open until `work` settles (a response that streams after the handler returned). */
  keepOpenUntil(work: Promise<unknown>): void;
  /** Ends the pool if it was opened, after any kept work. Safe to call more than once. */
  close(): Promise<void>;
  /**
   * True when this request tried to connect and never got a connection: Postgres refused or did
   * not finish its handshake within the connect timeout. A failure then is the database's.
   */
  readonly unreachable: boolean;
}

export function openDatabase(env: AppEnv): DatabaseHandle {
  let pool: Pool | undefined;
  let db: Database | undefined;
  let connectFailed = false;
  let connected = false;
  const kept = new Set<Promise<unknown>>();
  return {
    get db() {
      if (!db) {
        configureDriver(env);
        pool = new Pool({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
        // An idle client that loses its socket emits 'error' on the pool; without a listener
        // that would crash the isolate. The query that needed it reports the failure itself.
        pool.on("error", () => {});
        // emitted once a client has finished Postgres' start-up handshake
        pool.on("connect", () => {
          connected = true;
        });
        onFailedConnect(pool, () => {
          connectFailed = true;
        });
        db = drizzle({ client: pool, schema });
      }
      return db;
    },
    get unreachable() {
      return connectFailed && !connected;
    },
    keepOpenUntil(work) {
      kept.add(work);
    },
    async close() {
      await Promise.allSettled(kept);
      kept.clear();
      const open = pool;
      pool = undefined;
      db = undefined;
      await open?.end().catch(() => {});
    },
  };
}

type ConnectCallback = (error: Error | undefined, ...client: unknown[]) => void;

/**
 * Calls `onFailure` whenever the pool fails to hand out a connection. `Pool.query` gets its client
 * through `this.connect(callback)` too, so wrapping the instance's method sees every attempt.
 */
function onFailedConnect(pool: Pool, onFailure: () => void): void {
  const connect = pool.connect.bind(pool) as (callback?: ConnectCallback) => Promise<unknown> | undefined;
  Object.assign(pool, {
    connect(callback?: ConnectCallback) {
      if (callback) {
        return connect((error, ...client) => {
          if (error) onFailure();
          callback(error, ...client);
        });
      }
      return connect()?.catch((error: unknown) => {
        onFailure();
        throw error;
      });
    },
  });
}

class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** Resolves with the promise, or rejects with TimeoutError after `ms` (the promise is left to settle). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function pingDatabase(db: Database, timeoutMs: number): Promise<void> {
  await withTimeout(db.execute(sql`select 1`), timeoutMs, "database");
}
