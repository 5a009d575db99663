/**
 * Fixtures for worker tests: real accounts in the test database and real RS256 session tokens
 * minted with the run's development key, verified by the Worker's own getAuth path. The tests play
 * Clerk's part here; the Worker itself (ENVIRONMENT=test, host bloqr.test) offers no dev sign-in.
 */
import { env } from "cloudflare:workers";
import type { Role, Tier } from "~/db/schema";
import { type Database, openDatabase } from "~/services/db.server";
import { getAppEnv } from "~/services/env.server";
import { devClerkUserId, mintDevSessionToken } from "~/services/session-token.server";
import { findUserByClerkId, saveDevUser } from "~/services/users.server";
import { call, ORIGIN } from "./helpers";

export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const database = openDatabase(getAppEnv(env));
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

export interface TestAccount {
  email: string;
  userId: string;
  token: string;
  /** Headers of a script calling the API with the session token. */
  headers: Record<string, string>;
  /** The Cookie header a signed-in browser sends. */
  cookie: string;
}

export async function signIn({
  tier = "free",
  role = "user",
}: {
  tier?: Tier;
  role?: Role;
} = {}): Promise<TestAccount> {
  const config = getAppEnv(env);
  const { DEV_JWT_PRIVATE_KEY } = config;
  if (!DEV_JWT_PRIVATE_KEY) throw new Error("the worker tests need the development signing key");
  const email = `user-${crypto.randomUUID()}@example.com`;
  const clerkUserId = await devClerkUserId(email);
  const user = await withDatabase(async (db) => {
    await saveDevUser(db, { clerkUserId, email, tier, role });
    return findUserByClerkId(db, clerkUserId);
  });
  const { token, issuedAt } = await mintDevSessionToken(
    { ...config, DEV_JWT_PRIVATE_KEY },
    { clerkUserId, email, origin: ORIGIN },
  );
  return {
    email,
    userId: user!.id,
    token,
    headers: { Authorization: `Bearer ${token}` },
    cookie: `__session=${token}; __client_uat=${issuedAt}`,
  };
}

export const jsonBody = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** A signed-in browser submitting a page's form (same-origin, so past the CSRF check). */
export const postForm = (account: TestAccount, path: string, fields: Record<string, string>) =>
  call(path, {
    method: "POST",
    headers: {
      Cookie: account.cookie,
      Origin: ORIGIN,
      "Sec-Fetch-Site": "same-origin",
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields).toString(),
  });

export async function createKey(
  account: TestAccount,
  body: Record<string, unknown> = { name: "test key", scopes: ["compile", "keys:read", "keys:write"] },
) {
  const response = await call("/api/keys", { method: "POST", ...jsonBody(body, account.headers) });
  if (response.status !== 201) throw new Error(`creating a key answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { key: { id: string; prefix: string; scopes: string[] }; secret: string };
}

const hextet = () => crypto.randomUUID().slice(0, 4);
/** A distinct client network per test (anonymous IPv6 callers share their /64's bucket), so buckets never collide. */
export const randomIp = () => `2001:db8:${hextet()}:${hextet()}::1`;
