/**
 * API-key abuse: telling keys apart from the answers (enumeration), keys in URLs, revoked and
 * expired keys on every endpoint, and the scope matrix over every endpoint. More in
 * tests/worker/keys.security.test.ts (another user's key ids, expiry, cookie CSRF on creation).
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { API_KEY_SCOPES, type ApiKeyScope, apiKeys, grantedScopes } from "~/db/schema";
import { hashApiKey } from "~/services/api-keys.server";
import { createKey, jsonBody, signIn, type TestAccount, withDatabase } from "../worker/accounts";
import { bodyOf, call } from "../worker/helpers";
import { API_ENDPOINTS, type ApiEndpoint, SAMPLE_ID, validBody } from "./routes";

const guarded = API_ENDPOINTS.filter((endpoint) => endpoint.auth === "required" || endpoint.auth === "optional");

function request(endpoint: ApiEndpoint, headers: Record<string, string>, query = "", body = validBody(endpoint, {})) {
  return call(endpoint.path + query, {
    method: endpoint.method,
    ...(endpoint.body ? jsonBody(body, headers) : { headers }),
  });
}

/** Status, body and the headers a client could tell apart. */
async function answer(response: Response) {
  return {
    status: response.status,
    body: await response.text(),
    authenticate: response.headers.get("WWW-Authenticate"),
    contentType: response.headers.get("Content-Type"),
  };
}

let owner: TestAccount;
let live: string;
let revoked: string;
let expired: string;
beforeAll(async () => {
  owner = await signIn({ tier: "pro" });
  live = (await createKey(owner)).secret;
  const toRevoke = await createKey(owner);
  revoked = toRevoke.secret;
  await call(`/api/keys/${toRevoke.key.id}`, { method: "DELETE", headers: owner.headers });
  const toExpire = await createKey(owner);
  expired = toExpire.secret;
  // Expired a minute ago: set in the database, as time would.
  await withDatabase((db) =>
    db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(apiKeys.id, toExpire.key.id)),
  );
});

describe("enumeration: the answers do not tell keys apart", () => {
  it("unknown, revoked and expired keys get byte-for-byte the same 401", async () => {
    const unknown = `bqk_${"Z".repeat(43)}`;
    const answers = [];
    for (const key of [unknown, revoked, expired]) {
      for (const headers of [{ "X-API-Key": key }, { Authorization: `Bearer ${key}` }] as Record<string, string>[]) {
        answers.push(await answer(await call("/api/me", { headers })));
      }
    }
    expect(answers[0].status).toBe(401);
    for (const other of answers.slice(1)) expect(other).toEqual(answers[0]);
  });

  it("a key that differs from a live one in its last character is just unknown", async () => {
    const near = `${live.slice(0, -1)}${live.endsWith("A") ? "B" : "A"}`;
    const unknown = `bqk_${"Z".repeat(43)}`;
    expect(await answer(await call("/api/me", { headers: { "X-API-Key": near } }))).toEqual(
      await answer(await call("/api/me", { headers: { "X-API-Key": unknown } })),
    );
  });

  it("only the SHA-256 hash is stored; listings show a short prefix, never the secret or its hash", async () => {
    const stored = await withDatabase((db) =>
      db
        .select({ hash: apiKeys.keyHash, prefix: apiKeys.keyPrefix })
        .from(apiKeys)
        .where(eq(apiKeys.userId, owner.userId)),
    );
    const hash = await hashApiKey(live);
    expect(stored.map((key) => key.hash)).toContain(hash);
    const listing = await (await call("/api/keys", { headers: owner.headers })).text();
    expect(listing).not.toContain(live);
    expect(listing).not.toContain(live.slice(12));
    expect(listing).not.toContain(hash);
  });
});

describe("keys in the URL", () => {
  it.each(guarded.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint] as const))(
    "%s?api_key=<a live key> → 400, not authenticated",
    async (_, endpoint) => {
      for (const query of [`?api_key=${live}`, `?token=${live}`, `?q=${live}`, `?access_token=${live}`]) {
        const response = await request(endpoint, {}, query);
        expect(response.status, query).toBe(400);
        expect((await bodyOf(response)).error.code).toBe("credentials_in_query");
      }
    },
  );

  it("a key as a path segment names nothing", async () => {
    const response = await call(`/api/keys/${live}`, { method: "DELETE", headers: owner.headers });
    expect(response.status).toBe(404);
  });
});

describe("revoked and expired keys on every endpoint", () => {
  it.each(guarded.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint] as const))(
    "%s → 401 with either",
    async (_, endpoint) => {
      for (const key of [revoked, expired]) {
        const response = await request(endpoint, { "X-API-Key": key });
        expect(response.status).toBe(401);
      }
    },
  );
});

/** The scope an endpoint requires of an API key (null: any valid key). */
const REQUIRED_SCOPE: Record<string, ApiKeyScope | null> = {
  "GET /api/me": null,
  "GET /api/keys": "keys:read",
  "POST /api/keys": "keys:write",
  [`PATCH /api/keys/${SAMPLE_ID}`]: "keys:write",
  [`DELETE /api/keys/${SAMPLE_ID}`]: "keys:write",
  "POST /api/compile": "compile",
  "POST /api/compile/stream": "compile",
  "POST /api/compile/batch": "compile",
  "POST /api/compile/async": "compile:async",
  "POST /api/compile/batch/async": "compile:async",
  "GET /api/compile/jobs": "jobs:read",
  [`POST /api/compile/jobs/${SAMPLE_ID}/rerun`]: "compile:async",
  "GET /api/compile/explain": "compile",
  [`GET /api/queue/results/${SAMPLE_ID}`]: "jobs:read",
  "GET /api/lists": "lists:read",
  "POST /api/lists": "lists:write",
  [`GET /api/lists/${SAMPLE_ID}`]: "lists:read",
  [`PATCH /api/lists/${SAMPLE_ID}`]: "lists:write",
  [`DELETE /api/lists/${SAMPLE_ID}`]: "lists:write",
  [`GET /api/lists/${SAMPLE_ID}/versions`]: "lists:read",
  [`POST /api/lists/${SAMPLE_ID}/versions/1/publish`]: "lists:write",
  [`GET /api/lists/${SAMPLE_ID}/diff`]: "lists:read",
  [`POST /api/lists/${SAMPLE_ID}/refresh`]: "lists:write",
  [`POST /api/lists/${SAMPLE_ID}/rotate-slug`]: "lists:write",
  [`GET /api/lists/${SAMPLE_ID}/webhooks`]: "lists:read",
  [`POST /api/lists/${SAMPLE_ID}/webhooks`]: "lists:write",
  [`DELETE /api/lists/${SAMPLE_ID}/webhooks/${SAMPLE_ID}`]: "lists:write",
  [`POST /api/lists/${SAMPLE_ID}/webhooks/${SAMPLE_ID}/rotate-secret`]: "lists:write",
};

describe("scope matrix: a key with one scope, on every endpoint", () => {
  it("the matrix names every guarded endpoint", () => {
    expect(Object.keys(REQUIRED_SCOPE).sort()).toEqual(
      guarded.map((endpoint) => `${endpoint.method} ${endpoint.path}`).sort(),
    );
  });

  it.each(API_KEY_SCOPES)("a key with only %s", async (scope) => {
    const account = await signIn({ tier: "pro" });
    const { secret } = await createKey(account, { name: scope, scopes: [scope] });
    for (const endpoint of guarded) {
      const label = `${endpoint.method} ${endpoint.path}`;
      const required = REQUIRED_SCOPE[label];
      // A key may only grant what it holds: a new key asks for this key's own scope.
      const body = endpoint.file === "api.keys" ? { name: "child", scopes: [scope] } : undefined;
      const response = await request(endpoint, { "X-API-Key": secret }, "", body);
      if (required && !grantedScopes([scope]).includes(required)) {
        expect(response.status, label).toBe(403);
        expect((await bodyOf(response)).error.code, label).toBe("insufficient_scope");
      } else {
        // Past the scope check: whatever the endpoint then says about the (empty) request.
        expect(response.status, label).not.toBe(403);
        expect(response.status, label).not.toBe(401);
      }
    }
  });

  it("admin endpoints refuse every key, whatever its scopes or its owner's role", async () => {
    const admin = await signIn({ tier: "admin", role: "admin" });
    const { secret } = await createKey(admin, { name: "all", scopes: [...API_KEY_SCOPES] });
    const response = await call("/api/admin/metrics", { headers: { "X-API-Key": secret } });
    expect(response.status).toBe(403);
  });

  it("a key can never mint a key with a scope it lacks", async () => {
    const account = await signIn();
    const { secret } = await createKey(account, { name: "writer", scopes: ["keys:write"] });
    const response = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "escalated", scopes: ["compile", "keys:write"] }, { "X-API-Key": secret }),
    });
    expect(response.status).toBe(403);
    expect((await bodyOf(response)).error.code).toBe("insufficient_scope");
  });
});
