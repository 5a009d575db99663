/**
 * No secret, token or key reaches the logs. Every console method is captured across a run of
 * representative requests — sign-ins and forged tokens, API keys created, used, revoked and put
 * in URLs, webhooks genuine and forged, the admin key right and wrong, Turnstile passing and its
 * verifier down, the database down behind a URL with a password, compiles of a source URL that
 * carries its own token — and the captured text must contain none of the secrets involved, while
 * it does contain the events (so the capture demonstrably worked).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TURNSTILE_DUMMY_TOKEN } from "../../scripts/lib/turnstile-stub.mjs";
import { createKey, jsonBody, randomIp, signIn } from "../worker/accounts";
import { deliver, newClerkUserId, svixHeaders, userEvent, WEBHOOK_PATH } from "../worker/clerk-webhooks";
import { configuration, preFetchedContent } from "../worker/compile-fixtures";
import { call, inject } from "../worker/helpers";
import { sessionClaims, signSession } from "../worker/session-tokens";

const logged: string[] = [];
const secrets = new Map<string, string>();

const remember = (name: string, value: string) => {
  secrets.set(name, value);
  return value;
};

const render = (value: unknown): string => {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ""}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

beforeAll(() => {
  for (const level of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(render).join(" ")));
  }
  const bindings = inject("testBindings");
  remember("CLERK_SECRET_KEY", bindings.CLERK_SECRET_KEY);
  remember("CLERK_WEBHOOK_SECRET", bindings.CLERK_WEBHOOK_SECRET);
  // The secret part of whsec_… (base64), which is what svix signs with.
  remember("CLERK_WEBHOOK_SECRET (key)", bindings.CLERK_WEBHOOK_SECRET.slice("whsec_".length));
  remember("ADMIN_KEY", bindings.ADMIN_KEY);
  remember("TURNSTILE_SECRET_KEY", bindings.TURNSTILE_SECRET_KEY);
  remember("DEV_JWT_PRIVATE_KEY", bindings.DEV_JWT_PRIVATE_KEY.split("\n")[1]);
  remember("DATABASE_URL", bindings.DATABASE_URL);
});

afterAll(() => vi.restoreAllMocks());

const DB_PASSWORD = `pw-${crypto.randomUUID()}`;
const SOURCE_TOKEN = `list-token-${crypto.randomUUID()}`;

describe("a representative run", () => {
  it("sessions: valid, forged and expired, as Bearer and cookie, on the API and pages", async () => {
    const account = await signIn();
    remember("session token", account.token);
    remember("session token signature", account.token.split(".")[2]);
    await call("/api/me", { headers: account.headers });
    await call("/dashboard", { headers: { Cookie: account.cookie } });
    const forged = remember("forged token", await signSession(sessionClaims({ azp: "https://evil.example" })));
    await call("/api/me", { headers: { Authorization: `Bearer ${forged}` } });
    const expired = remember(
      "expired token",
      await signSession(sessionClaims({ iat: 1_700_000_000, nbf: 1_700_000_000, exp: 1_700_000_060 })),
    );
    await call("/api/me", { headers: { Cookie: `__session=${expired}; __client_uat=1` } });
    await call("/", {
      headers: { Cookie: `__session=${remember("garbage cookie", "eyJhbGciOiJub25lIn0.e30.c2VjcmV0")}` },
    });
  });

  it("API keys: created, used, revoked, in the query string, wrong", async () => {
    const account = await signIn();
    const { key, secret } = await createKey(account, {
      name: "logged?",
      scopes: ["compile", "keys:read", "keys:write"],
    });
    remember("API key", secret);
    remember("API key body", secret.slice("bqk_".length));
    await call("/api/me", { headers: { "X-API-Key": secret } });
    await call("/api/keys", { headers: { Authorization: `Bearer ${secret}` } });
    await call(`/api/me?api_key=${secret}`);
    await call(`/api/keys/${key.id}`, { method: "DELETE", headers: account.headers });
    await call("/api/me", { headers: { "X-API-Key": secret } });
    await call("/api/me", { headers: { "X-API-Key": remember("unknown key", `bqk_${"Q".repeat(43)}`) } });
  });

  it("webhooks: delivered, tampered with, signed with another secret", async () => {
    const id = newClerkUserId();
    const payload = JSON.stringify(userEvent("user.created", { id, email: `${id}@example.com` }));
    const headers = svixHeaders(payload);
    remember("svix signature", headers["svix-signature"]);
    await call(WEBHOOK_PATH, { method: "POST", headers, body: payload });
    await call(WEBHOOK_PATH, { method: "POST", headers, body: payload.replace("created", "updated") });
    const forger = remember("forger's secret", `whsec_${btoa(`forger-${crypto.randomUUID()}`)}`);
    await deliver(userEvent("user.updated", { id }), { secret: forger });
  });

  it("the admin key: right and wrong", async () => {
    await call("/api/admin/metrics", { headers: { "X-Admin-Key": inject("testBindings").ADMIN_KEY } });
    const wrong = remember("wrong admin key", `wrong-${crypto.randomUUID()}-admin-key`);
    await call("/api/admin/metrics", { headers: { "X-Admin-Key": wrong, "CF-Connecting-IP": randomIp() } });
  });

  it("Turnstile: a pass, a fail, the verifier down", async () => {
    const compile = (token: string, bindings = {}) =>
      call(
        "/api/compile",
        {
          method: "POST",
          ...jsonBody(
            { configuration: configuration(), preFetchedContent, turnstileToken: token },
            { "CF-Connecting-IP": randomIp() },
          ),
        },
        bindings,
      );
    await compile(TURNSTILE_DUMMY_TOKEN);
    await compile(remember("turnstile token", `tt-${crypto.randomUUID()}`), {
      TURNSTILE_SECRET_KEY: remember("failing Turnstile secret", "2x0000000000000000000000000000000AA"),
    });
    await compile(TURNSTILE_DUMMY_TOKEN, { TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/siteverify" });
  });

  it("the database down, behind a URL with a password", async () => {
    const down = { DATABASE_URL: `postgres://bloqr:${remember("database password", DB_PASSWORD)}@127.0.0.1:1/bloqr` };
    const account = await signIn();
    const { secret } = await createKey(account);
    await call("/api/health", {}, down);
    await call("/dashboard", { headers: { Cookie: account.cookie } }, down);
    await call("/api/me", { headers: { "X-API-Key": secret } }, down);
    await call("/api/me", { headers: account.headers }, { DATABASE_URL: `postgres://bloqr:${DB_PASSWORD}@nope` });
  });

  it("a compile whose source URL carries its own token, sync and async", async () => {
    const account = await signIn();
    const { secret } = await createKey(account, { name: "src", scopes: ["compile", "compile:async"] });
    remember("source URL token", SOURCE_TOKEN);
    for (const source of [
      `https://lists.example.invalid/list.txt?token=${SOURCE_TOKEN}`,
      `https://user:${SOURCE_TOKEN}@lists.example.invalid/list.txt`,
      `http://169.254.169.254/latest?token=${SOURCE_TOKEN}`,
    ]) {
      const body = { configuration: configuration({ sources: [{ source }] }) };
      await call("/api/compile", { method: "POST", ...jsonBody(body, { "X-API-Key": secret }) });
      await call("/api/compile/stream", { method: "POST", ...jsonBody(body, { "X-API-Key": secret }) });
    }
    const refused = {
      configuration: configuration({ sources: [{ source: `http://169.254.169.254/?token=${SOURCE_TOKEN}` }] }),
    };
    const queued = await call("/api/compile/async", { method: "POST", ...jsonBody(refused, { "X-API-Key": secret }) });
    const { requestId } = (await queued.json()) as { requestId: string };
    await vi.waitFor(
      async () => {
        const job = (await (await call(`/api/queue/results/${requestId}`, { headers: account.headers })).json()) as {
          status: string;
        };
        if (job.status !== "failed") throw new Error(job.status);
      },
      { timeout: 20_000, interval: 250 },
    );
  });

  it("a configuration error names the variable, never its value", async () => {
    await call("/", {}, { ADMIN_KEY: remember("too-short admin key", "short-secret-value") });
  });
});

describe("what was logged", () => {
  it("contains the events (the capture works)", () => {
    const text = logged.join("\n");
    for (const event of [
      "auth.rejected",
      "key.created",
      "key.revoked",
      "webhook.applied",
      "webhook.rejected",
      "turnstile.passed",
      "turnstile.failed",
      "turnstile.unavailable",
      "health.db_down",
      "compile.failed",
      "ADMIN_KEY",
    ]) {
      expect(text, event).toContain(event);
    }
  });

  it("contains no secret, token or key", () => {
    const text = logged.join("\n");
    expect(secrets.size).toBeGreaterThan(20);
    const leaked = [...secrets].filter(([, secret]) => text.includes(secret)).map(([name]) => name);
    expect(leaked).toEqual([]);
  });
});
