import { createRequire } from "node:module";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fakePublishableKey, parseDevVars, renderDevVars } from "../../scripts/lib/dev-vars.mjs";
import {
  siteverify,
  startTurnstileStub,
  TURNSTILE_DUMMY_TOKEN,
  TURNSTILE_TEST_SECRETS,
} from "../../scripts/lib/turnstile-stub.mjs";
import { parseTarget, startWsBridge } from "../../scripts/lib/ws-bridge.mjs";

const WebSocket = createRequire(import.meta.url)("ws");
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe(".dev.vars generation", () => {
  const template =
    "ENVIRONMENT=development\nCLERK_JWT_KEY=<generated>\nCLERK_WEBHOOK_SECRET=<generated>\nADMIN_KEY=<generated>\n";

  it("fills every <generated> value with a fresh secret, and a second run differs", () => {
    const first = parseDevVars(renderDevVars(template));
    const second = parseDevVars(renderDevVars(template));
    expect(first.ENVIRONMENT).toBe("development");
    expect(first.CLERK_JWT_KEY).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----$/);
    expect(first.CLERK_WEBHOOK_SECRET).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(first.ADMIN_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(second.ADMIN_KEY).not.toBe(first.ADMIN_KEY);
  });

  it("refuses a <generated> variable it has no generator for", () => {
    expect(() => renderDevVars("SOMETHING_NEW=<generated>\n")).toThrow(/no generator for SOMETHING_NEW/);
  });

  it("makes a pk_live_ key that decodes to the fake frontend API host", () => {
    const key = fakePublishableKey("clerk.bloqr.localhost");
    expect(key.startsWith("pk_live_")).toBe(true);
    expect(Buffer.from(key.slice(8), "base64").toString()).toBe("clerk.bloqr.localhost$");
  });
});

describe("WebSocket→TCP bridge", () => {
  it("allows only loopback targets", () => {
    expect(parseTarget("/v1?address=127.0.0.1:5432")).toEqual({ host: "127.0.0.1", port: 5432 });
    expect(parseTarget("/v1?address=localhost:5432")).toEqual({ host: "localhost", port: 5432 });
    expect(parseTarget("/v1?address=10.0.0.1:5432")).toBeNull();
    expect(parseTarget("/v1?address=example.com:5432")).toBeNull();
    expect(parseTarget("/v1?address=127.0.0.1:99999")).toBeNull();
    expect(parseTarget("/v1")).toBeNull();
  });

  it("pipes bytes both ways between a WebSocket and a TCP server", async () => {
    const echo = createServer((socket) =>
      socket.on("data", (data) => socket.write(Buffer.concat([Buffer.from("echo:"), data]))),
    );
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => echo.close(() => resolve())));
    const bridge = await startWsBridge();
    cleanups.push(bridge.close);

    const { port } = echo.address() as { port: number };
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/v1?address=127.0.0.1:${port}`);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const reply = new Promise<string>((resolve) => socket.once("message", (data: Buffer) => resolve(data.toString())));
    socket.send(Buffer.from("ping"));
    expect(await reply).toBe("echo:ping");
    socket.close();
  });

  it("closes a connection that names a non-loopback target", async () => {
    const bridge = await startWsBridge();
    cleanups.push(bridge.close);
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/v1?address=192.168.1.1:5432`);
    const code = await new Promise((resolve) => socket.once("close", resolve));
    expect(code).toBe(1008);
  });

  it("refuses a browser's handshake (it carries an Origin): a web page cannot reach the dev Postgres", async () => {
    let connections = 0;
    const database = createServer((socket) => {
      connections++;
      socket.end();
    });
    await new Promise<void>((resolve) => database.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => database.close(() => resolve())));
    const bridge = await startWsBridge();
    cleanups.push(bridge.close);

    const { port } = database.address() as { port: number };
    for (const origin of ["https://evil.example", "http://localhost:5173", "null"]) {
      const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/v1?address=127.0.0.1:${port}`, { origin });
      const status = await new Promise((resolve, reject) => {
        socket.once("unexpected-response", (_request: unknown, response: { statusCode: number }) =>
          resolve(response.statusCode),
        );
        socket.once("open", () => reject(new Error(`the bridge accepted Origin: ${origin}`)));
      });
      expect(status, origin).toBe(403);
    }
    expect(connections).toBe(0);
  });
});

describe("Turnstile siteverify stub", () => {
  it("answers as Cloudflare documents for its test secrets", () => {
    expect(siteverify({ secret: TURNSTILE_TEST_SECRETS.pass, response: TURNSTILE_DUMMY_TOKEN }).success).toBe(true);
    expect(siteverify({ secret: TURNSTILE_TEST_SECRETS.fail, response: TURNSTILE_DUMMY_TOKEN })).toMatchObject({
      success: false,
      "error-codes": ["invalid-input-response"],
    });
    expect(siteverify({ secret: TURNSTILE_TEST_SECRETS.spent, response: TURNSTILE_DUMMY_TOKEN })).toMatchObject({
      success: false,
      "error-codes": ["timeout-or-duplicate"],
    });
    expect(siteverify({ secret: "0x-real-secret", response: TURNSTILE_DUMMY_TOKEN })["error-codes"]).toEqual([
      "invalid-input-secret",
    ]);
    expect(siteverify({ secret: TURNSTILE_TEST_SECRETS.pass, response: "" })["error-codes"]).toEqual([
      "missing-input-response",
    ]);
  });

  it("serves siteverify over HTTP with form bodies", async () => {
    const stub = await startTurnstileStub();
    cleanups.push(stub.close);
    const body = new URLSearchParams({
      secret: TURNSTILE_TEST_SECRETS.pass,
      response: TURNSTILE_DUMMY_TOKEN,
      remoteip: "203.0.113.9",
    });
    const response = await fetch(stub.url, { method: "POST", body });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true });
    expect((await fetch(stub.url)).status).toBe(405);
  });
});
