/**
 * The WebSocket→TCP bridge that `@neondatabase/serverless` needs to reach a plain Postgres:
 * each WebSocket connection names its target in `?address=host:port` and gets a TCP socket
 * piped both ways. Only loopback targets are allowed, so it cannot be used as an open relay, and
 * only clients that are not browsers: a browser always sends `Origin` on a WebSocket handshake
 * (scripts cannot suppress it), so any web page open on the developer's machine — or one that
 * rebinds its DNS name to 127.0.0.1 — would otherwise reach the dev Postgres. The Worker (workerd)
 * and Node's `ws` send no Origin.
 *
 * Postgres sessions are kept warm between connections (pg-session-pool.mjs), as Neon's pooled
 * endpoint or Hyperdrive keep them in production; `pool: false` pipes every connection straight.
 */
import { createRequire } from "node:module";
import { createSessionPool, pipeStraight } from "./pg-session-pool.mjs";

// require(), not import: under vitest's resolver an import of "ws" picks its browser stub.
const { WebSocketServer } = createRequire(import.meta.url)("ws");

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function parseTarget(url) {
  const address = new URL(url, "http://bridge").searchParams.get("address") ?? "";
  const match = /^(.+):(\d{1,5})$/.exec(address);
  if (!match || !LOOPBACK_HOSTS.has(match[1])) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1].replace(/^\[|\]$/g, ""), port };
}

/**
 * @param {{ port?: number, pool?: boolean }} [options] `pool: false`: every connection starts its own backend
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export function startWsBridge({ port = 0, pool = true } = {}) {
  const sessions = pool ? createSessionPool() : null;
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port,
    verifyClient: ({ origin }, accept) => accept(!origin, 403, "Browser connections are refused"),
  });
  server.on("connection", (socket, request) => {
    const target = parseTarget(request.url ?? "");
    if (!target) {
      socket.close(1008, "address must be a loopback host:port");
      return;
    }
    if (sessions) sessions.serve(socket, target);
    else pipeStraight(socket, target);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.once("listening", () =>
      resolve({
        port: server.address().port,
        close: () =>
          new Promise((done) => {
            for (const client of server.clients) client.terminate();
            sessions?.close();
            server.close(() => done());
          }),
      }),
    );
  });
}
