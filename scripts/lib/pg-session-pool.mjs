/**
 * Warm Postgres sessions for the local WebSocket bridge: what Neon's pooled endpoint (PgBouncer)
 * or Hyperdrive do in production (docs/decisions/0029-hot-path.md). A Worker opens a new
 * connection per request; starting a Postgres backend for each (fork, authentication, catalog
 * caches) took ~60–80 ms on the development machine, most of a dashboard page's time. Here a
 * client's connection is answered from a backend kept open: its start-up is replayed from the
 * first connection that authenticated with the same start-up message and password, and when the
 * client leaves cleanly (idle, not in a transaction) the backend runs `DISCARD ALL` and waits for
 * the next one. Anything unusual (another protocol, SSL, SCRAM, a half-sent message, an open
 * transaction) is piped straight through or the backend is closed — never handed on dirty.
 */
import { timingSafeEqual } from "node:crypto";
import { connect } from "node:net";

const PROTOCOL_3 = 196608;
// A start-up message is a few hundred bytes; anything this large is not one (it is piped raw).
const MAX_STARTUP_BYTES = 10_000;
const AUTH_OK = 0;
const AUTH_CLEARTEXT = 3;
// Idle backends kept per start-up message: above the bench's 8 clients × 2 parallel queries,
// far below Postgres' max_connections (scripts/lib/postgres.mjs).
const MAX_IDLE_PER_SESSION = 24;
// An idle backend past this is closed, so a stopped dev session does not hold connections forever.
const IDLE_TIMEOUT_MS = 60_000;

const DISCARD_ALL = (() => {
  const text = Buffer.from("DISCARD ALL\0");
  const message = Buffer.alloc(5 + text.length);
  message.write("Q", 0);
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
})();

/** Splits a byte stream into Postgres messages (type byte + int32 length), keeping what is incomplete. */
class MessageReader {
  constructor() {
    this.buffer = Buffer.alloc(0);
  }
  push(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages = [];
    while (this.buffer.length >= 5) {
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) break;
      messages.push(this.buffer.subarray(0, 1 + length));
      this.buffer = this.buffer.subarray(1 + length);
    }
    return messages;
  }
  get atBoundary() {
    return this.buffer.length === 0;
  }
}

function errorResponse(code, message) {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const out = Buffer.alloc(5 + fields.length);
  out.write("E", 0);
  out.writeInt32BE(4 + fields.length, 1);
  fields.copy(out, 5);
  return out;
}

const sameBytes = (a, b) => a.length === b.length && timingSafeEqual(a, b);

/** Pipes a WebSocket and a new TCP connection both ways, from `buffered` (already received) on. */
export function pipeStraight(socket, target, buffered = Buffer.alloc(0), open = new Set()) {
  const tcp = connect(target).setNoDelay(true);
  open.add(tcp);
  if (buffered.length) tcp.write(buffered);
  tcp.on("data", (data) => socket.readyState === socket.OPEN && socket.send(data));
  tcp.on("close", () => socket.close());
  tcp.on("error", () => socket.close());
  socket.removeAllListeners("message");
  socket.on("message", (data) => tcp.write(data));
  socket.on("close", () => {
    open.delete(tcp);
    tcp.destroy();
  });
  socket.on("error", () => tcp.destroy());
}

/**
 * @returns {{ serve(socket: import("ws").WebSocket, target: { host: string, port: number }): void, close(): void }}
 */
export function createSessionPool() {
  /**
   * start-up key → { auth: { request, password, greeting }, idle: Array<{ tcp, timer }>,
   * recycling: backends being reset, waiters: clients waiting for one }
   */
  const sessions = new Map();
  const open = new Set();

  const keyOf = (target, startup) => `${target.host}:${target.port}\0${startup.toString("base64")}`;

  function takeIdle(key) {
    const session = sessions.get(key);
    while (session?.idle.length) {
      const backend = session.idle.pop();
      clearTimeout(backend.timer);
      backend.tcp.removeAllListeners();
      // Until the client is piped to it, a failing backend is simply closed.
      backend.tcp.on("error", () => backend.tcp.destroy());
      if (!backend.tcp.destroyed) return backend.tcp;
    }
    return undefined;
  }

  function keepIdle(key, tcp) {
    const session = sessions.get(key);
    if (!session || session.idle.length >= MAX_IDLE_PER_SESSION) return tcp.destroy();
    tcp.removeAllListeners();
    const backend = { tcp, timer: setTimeout(() => drop(), IDLE_TIMEOUT_MS) };
    const drop = () => {
      clearTimeout(backend.timer);
      session.idle = session.idle.filter((one) => one !== backend);
      tcp.destroy();
    };
    // An idle backend may still report a setting DISCARD ALL reset (ParameterStatus) or a notice;
    // anything else means it is not idle after all.
    const reader = new MessageReader();
    const quiet = (chunk) => reader.push(chunk).every((message) => message[0] === 0x53 || message[0] === 0x4e);
    tcp.on("error", drop).on("close", drop);
    tcp.on("data", (chunk) => quiet(chunk) || drop());
    session.idle.push(backend);
  }

  /**
   * A backend whose client left cleanly: reset it, then keep it for the next client. A client that
   * arrives meanwhile waits for it (a Worker opens its next connection a moment after closing one).
   */
  function recycle(key, tcp, closeClient) {
    const session = sessions.get(key);
    session.recycling++;
    const then = () => {
      session.recycling--;
      closeClient();
      // Every waiter tries again: one takes this backend, the others wait on or start their own.
      for (const waiter of session.waiters.splice(0)) waiter();
    };
    const reader = new MessageReader();
    const fail = () => {
      tcp.destroy();
      then();
    };
    tcp.removeAllListeners();
    tcp.on("error", fail).on("close", fail);
    tcp.on("data", (chunk) => {
      for (const message of reader.push(chunk)) {
        if (message[0] === 0x45 /* E */) return fail();
        if (message[0] !== 0x5a /* Z */) continue;
        if (message[5] !== 0x49 /* I */) return fail();
        keepIdle(key, tcp);
        return then();
      }
    });
    tcp.write(DISCARD_ALL);
  }

  /**
   * Pipes an authenticated session, tracking message boundaries so the backend can be recycled
   * (`key` null: a session that may not be, e.g. authenticated by SCRAM).
   */
  function pipe(socket, tcp, key, clientReader) {
    const serverReader = new MessageReader();
    let pending = 0; // Query and Sync messages not yet answered by ReadyForQuery
    let status = 0x49; // I: idle, T: in a transaction, E: failed transaction
    let done = false;
    const finish = (reusable) => {
      if (done) return;
      done = true;
      open.delete(tcp);
      const closeSocket = () => socket.readyState === socket.OPEN && socket.close();
      const clean = clientReader.atBoundary && serverReader.atBoundary && pending === 0 && status === 0x49;
      if (key !== null && reusable && clean) return recycle(key, tcp, closeSocket);
      tcp.destroy();
      closeSocket();
    };
    open.add(tcp);
    tcp.removeAllListeners();
    tcp.on("data", (chunk) => {
      for (const message of serverReader.push(chunk)) {
        if (message[0] === 0x5a /* Z */) {
          pending = Math.max(0, pending - 1);
          status = message[5];
        }
      }
      if (socket.readyState === socket.OPEN) socket.send(chunk);
    });
    tcp.on("close", () => finish(false));
    tcp.on("error", () => finish(false));
    const fromClient = (chunk) => {
      const forward = [];
      for (const message of clientReader.push(chunk)) {
        const type = message[0];
        // Terminate: Postgres would close the connection; here the backend stays for the next client.
        if (type === 0x58 /* X */) {
          if (forward.length) tcp.write(Buffer.concat(forward));
          return finish(clientReader.atBoundary);
        }
        if (type === 0x51 /* Q */ || type === 0x53 /* S */) pending++;
        forward.push(message);
      }
      // One write per chunk the client sent: Parse/Bind/Execute/Sync as separate small writes would
      // wait on Postgres' delayed ACK (Nagle), ~40 ms each time.
      if (forward.length) tcp.write(forward.length === 1 ? forward[0] : Buffer.concat(forward));
    };
    socket.removeAllListeners("message");
    socket.on("message", fromClient);
    socket.on("close", () => finish(clientReader.atBoundary));
    socket.on("error", () => finish(false));
    return fromClient;
  }

  /** First connection of a start-up message: authenticate through, remembering how it went. */
  function authenticateFresh(socket, target, key, startup, afterStartup) {
    const tcp = connect(target).setNoDelay(true);
    open.add(tcp);
    const serverReader = new MessageReader();
    const clientReader = new MessageReader();
    const record = { request: null, password: null, greeting: [] };
    let poolable = true;
    tcp.write(startup);
    const fromClient = (chunk) => {
      const forward = clientReader.push(chunk);
      for (const message of forward) {
        if (message[0] === 0x70 /* p */ && record.password === null) record.password = Buffer.from(message);
        else poolable = false; // SASL exchanges and the like are not replayed
      }
      if (forward.length) tcp.write(Buffer.concat(forward));
    };
    socket.on("message", fromClient);
    socket.on("close", () => {
      open.delete(tcp);
      tcp.destroy();
    });
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.close());
    tcp.on("data", (chunk) => {
      const messages = serverReader.push(chunk);
      for (const [index, message] of messages.entries()) {
        const type = message[0];
        if (type === 0x52 /* R */) {
          const kind = message.readInt32BE(5);
          if (kind === AUTH_OK) record.greeting.push(Buffer.from(message));
          else if (kind === AUTH_CLEARTEXT && record.request === null) record.request = Buffer.from(message);
          else poolable = false;
        } else if (record.greeting.length > 0) record.greeting.push(Buffer.from(message));
        socket.send(message);
        if (type === 0x5a /* Z */) {
          if (poolable && !sessions.has(key))
            sessions.set(key, {
              auth: { ...record, greeting: Buffer.concat(record.greeting) },
              idle: [],
              recycling: 0,
              waiters: [],
            });
          socket.removeAllListeners("message");
          socket.removeAllListeners("close");
          pipe(socket, tcp, poolable ? key : null, clientReader);
          const rest = Buffer.concat([...messages.slice(index + 1), serverReader.buffer]);
          if (rest.length) tcp.emit("data", rest);
          return;
        }
      }
    });
    if (afterStartup.length) fromClient(afterStartup);
  }

  /** A start-up message seen before: answer it from a warm backend, checking the password first. */
  function authenticateWarm(socket, key, session, tcp, afterStartup) {
    const clientReader = new MessageReader();
    let checked = false;
    const fromClient = (chunk) => {
      if (checked) return;
      const [message] = clientReader.push(chunk);
      if (!message) return;
      checked = true;
      if (!session.auth.request || !sameBytes(message, session.auth.password)) {
        keepIdle(key, tcp);
        socket.send(errorResponse("28P01", "password authentication failed"));
        socket.close();
        return;
      }
      socket.send(session.auth.greeting);
      const rest = clientReader.buffer;
      clientReader.buffer = Buffer.alloc(0);
      const piped = pipe(socket, tcp, key, clientReader);
      if (rest.length) piped(rest);
    };
    socket.on("message", fromClient);
    socket.on("close", () => {
      if (!checked) keepIdle(key, tcp);
    });
    if (session.auth.request) socket.send(session.auth.request);
    else {
      // Trust authentication: nothing to check.
      checked = true;
      socket.send(session.auth.greeting);
      pipe(socket, tcp, key, clientReader);
    }
    if (afterStartup.length) fromClient(afterStartup);
  }

  return {
    serve(socket, target) {
      let buffered = Buffer.alloc(0);
      const onFirst = (data) => {
        buffered = Buffer.concat([buffered, data]);
        if (buffered.length < 4) return;
        const length = buffered.readInt32BE(0);
        if (length < 8 || length > MAX_STARTUP_BYTES) {
          socket.off("message", onFirst);
          return pipeStraight(socket, target, buffered, open);
        }
        if (buffered.length < length) return;
        socket.off("message", onFirst);
        const startup = buffered.subarray(0, length);
        const after = buffered.subarray(length);
        if (startup.readInt32BE(4) !== PROTOCOL_3) return pipeStraight(socket, target, buffered, open);
        const key = keyOf(target, startup);
        const start = () => {
          if (socket.readyState !== socket.OPEN) return;
          const session = sessions.get(key);
          const warm = session ? takeIdle(key) : undefined;
          if (session && warm) authenticateWarm(socket, key, session, warm, after);
          else if (session?.recycling > 0) session.waiters.push(start);
          else authenticateFresh(socket, target, key, startup, after);
        };
        start();
      };
      socket.on("message", onFirst);
    },
    close() {
      for (const session of sessions.values()) {
        for (const backend of session.idle) {
          clearTimeout(backend.timer);
          backend.tcp.destroy();
        }
      }
      sessions.clear();
      for (const tcp of open) tcp.destroy();
      open.clear();
    },
  };
}
