/**
 * `eval "$(npm run -s dev:env)"` — sets the variables the README's and /docs' examples use, against
 * the running `npm run dev` stack: BASE (its URL), TOKEN (a development session of a pro user,
 * signed in through the development sign-in form), BLOQR_KEY (a fresh API key of that user with
 * every scope), KEY_ID (the id of a second key, for the examples that rename and revoke one) and
 * ADMIN_KEY (the local one, from .dev.vars). The user is a throwaway account for examples: each
 * run revokes the keys it still has, so reruns stay under the 25-key cap. Prints only `export` lines on stdout;
 * explains on stderr and exits 1 when the stack is not running. Development only: production has
 * no development sign-in.
 * Env: BLOQR_DATA_DIR (as for `npm run dev`), DEV_ENV_EMAIL (default newcomer@example.com).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SCOPES = ["compile", "compile:async", "jobs:read", "keys:read", "keys:write"];

class Refusal extends Error {}

function stackUrl() {
  const state = join(resolve(PROJECT, process.env.BLOQR_DATA_DIR ?? ".data"), "dev-stack.json");
  if (!existsSync(state)) throw new Refusal("no local stack is running: start `npm run dev` first.");
  return JSON.parse(readFileSync(state, "utf8")).appUrl;
}

function adminKey() {
  const vars = readFileSync(join(PROJECT, ".dev.vars"), "utf8");
  const match = /^ADMIN_KEY=(.*)$/m.exec(vars);
  if (!match) throw new Refusal(".dev.vars has no ADMIN_KEY: delete it and restart `npm run dev` to regenerate it.");
  return match[1].trim();
}

/** The development sign-in form, as a browser submits it; its `__session` cookie is the token. */
async function signIn(base, email) {
  const response = await fetch(`${base}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, tier: "pro", role: "user", redirectUrl: "/dashboard" }),
  });
  const session = response.headers
    .getSetCookie()
    .map((cookie) => /^__session=([^;]+)/.exec(cookie)?.[1])
    .find(Boolean);
  if (!session) throw new Refusal(`the development sign-in answered ${response.status} without a session.`);
  return session;
}

async function api(base, token, path, init = {}) {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers },
  });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok)
    throw new Refusal(`${init.method ?? "GET"} ${path} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

async function main() {
  const base = stackUrl();
  const token = await signIn(base, process.env.DEV_ENV_EMAIL ?? "newcomer@example.com");
  const { keys } = await api(base, token, "/api/keys");
  for (const old of keys.filter((key) => !key.revokedAt)) {
    await api(base, token, `/api/keys/${old.id}`, { method: "DELETE" });
  }
  const create = (name, scopes) =>
    api(base, token, "/api/keys", { method: "POST", body: JSON.stringify({ name, scopes }) });
  const examples = await create("dev-env: examples", SCOPES);
  const scratch = await create("dev-env: to rename and revoke", ["compile"]);
  const variables = {
    BASE: base,
    TOKEN: token,
    BLOQR_KEY: examples.secret,
    KEY_ID: scratch.key.id,
    ADMIN_KEY: adminKey(),
  };
  for (const [name, value] of Object.entries(variables)) process.stdout.write(`export ${name}='${value}'\n`);
}

main().catch((error) => {
  const message = error instanceof Refusal ? error.message : `${error.message} (is \`npm run dev\` running?)`;
  process.stderr.write(`dev-env: ${message}\n`);
  process.exitCode = 1;
});
