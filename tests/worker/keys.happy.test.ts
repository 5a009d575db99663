import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys, users } from "~/db/schema";
import { createKey, jsonBody, signIn, withDatabase } from "./accounts";
import { bodyOf, call } from "./helpers";

describe("API key lifecycle", () => {
  it("create shows the plaintext once; lists never show it; the key works, renames, and revoked → 401", async () => {
    const account = await signIn({ tier: "pro" });
    const created = await createKey(account, { name: "ci", scopes: ["compile", "keys:read"] });
    expect(created.secret).toMatch(/^bqk_[0-9A-Za-z]{43}$/);
    expect(created.key).toMatchObject({ name: "ci", scopes: ["compile", "keys:read"], rateLimitPerMinute: null });
    expect(created.secret.startsWith(created.key.prefix)).toBe(true);

    const listed = await call("/api/keys", { headers: account.headers });
    expect(listed.status).toBe(200);
    const listText = await listed.text();
    expect(JSON.parse(listText).keys).toEqual([expect.objectContaining({ id: created.key.id, name: "ci" })]);
    expect(listText).not.toContain(created.secret);
    expect(listText).not.toContain("hash");

    // Only the hash is stored.
    const stored = await withDatabase((db) =>
      db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.id, created.key.id))
        .then(([row]) => row),
    );
    expect(stored?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(12));

    for (const headers of [{ Authorization: `Bearer ${created.secret}` }, { "X-API-Key": created.secret }] as Record<
      string,
      string
    >[]) {
      const me = await call("/api/me", { headers });
      expect(me.status).toBe(200);
      expect(await bodyOf(me)).toMatchObject({ kind: "apiKey", tier: "pro", email: account.email });
    }
    const used = await withDatabase((db) =>
      db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.id, created.key.id))
        .then(([row]) => row),
    );
    expect(used?.lastUsedAt).toBeInstanceOf(Date);

    const renamed = await call(`/api/keys/${created.key.id}`, {
      method: "PATCH",
      ...jsonBody({ name: "deploys" }, account.headers),
    });
    expect(renamed.status).toBe(200);
    expect(await bodyOf(renamed)).toMatchObject({ key: { id: created.key.id, name: "deploys" } });

    const revoked = await call(`/api/keys/${created.key.id}`, { method: "DELETE", headers: account.headers });
    expect(revoked.status).toBe(200);
    expect((await bodyOf(revoked)).key.revokedAt).toEqual(expect.any(String));

    const after = await call("/api/me", { headers: { Authorization: `Bearer ${created.secret}` } });
    expect(after.status).toBe(401);
    expect(await bodyOf(after)).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });

  it("a key with keys:write manages keys for its owner, but cannot grant scopes it lacks", async () => {
    const account = await signIn();
    const manager = await createKey(account, { name: "manager", scopes: ["keys:read", "keys:write"] });
    const asKey = { Authorization: `Bearer ${manager.secret}` };

    const child = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "child", scopes: ["keys:read"] }, asKey),
    });
    expect(child.status).toBe(201);
    const escalation = await call("/api/keys", {
      method: "POST",
      ...jsonBody({ name: "wider", scopes: ["compile"] }, asKey),
    });
    expect(escalation.status).toBe(403);
    expect((await bodyOf(escalation)).error.code).toBe("insufficient_scope");

    const list = await bodyOf(await call("/api/keys", { headers: asKey }));
    expect(list.keys.map((key: { name: string }) => key.name).sort()).toEqual(["child", "manager"]);
  });

  it("deleting the owner removes their keys (cascade)", async () => {
    const account = await signIn();
    const { key } = await createKey(account);
    const remaining = await withDatabase(async (db) => {
      await db.delete(users).where(eq(users.id, account.userId));
      return db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    });
    expect(remaining).toEqual([]);
  });
});
