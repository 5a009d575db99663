/**
 * All configuration, validated in one place. Parsed once per Worker isolate (the `env` object is
 * stable); a missing or malformed variable throws an EnvError naming it. The names go to logs
 * only — clients see a generic 500.
 */
import { z } from "zod";
import { clerkFrontendApiOrigin } from "./clerk-instance.server";

const DEFAULT_TURNSTILE_VERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

const csv = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

const hostAndPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, "expected host:port");

// `[::1]:8790` as well as `127.0.0.1:8790`: the exact host:port pairs a source URL may name.
const sourceHostAndPort = z
  .string()
  .regex(/^([\w.-]+|\[[0-9a-fA-F:.]+\]):\d{1,5}$/, "expected host:port")
  .transform((value) => value.toLowerCase());

const pem = (kind: "PUBLIC" | "PRIVATE") =>
  z
    .string()
    .refine((value) => value.includes(`-----BEGIN ${kind} KEY-----`), `expected a PEM ${kind.toLowerCase()} key`);

const envSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, "expected a postgres:// URL"),
    NEON_WS_PROXY: hostAndPort.optional(),
    CLERK_PUBLISHABLE_KEY: z
      .string()
      .regex(/^pk_(test|live)_[A-Za-z0-9+/=]+$/, "expected a Clerk pk_test_/pk_live_ key")
      // The encoded host is the instance's token issuer and its only Clerk host in the CSP.
      .refine((key) => clerkFrontendApiOrigin(key) !== null, "does not encode a Clerk Frontend API host"),
    CLERK_SECRET_KEY: z.string().regex(/^sk_(test|live)_\w+$/, "expected a Clerk sk_test_/sk_live_ key"),
    CLERK_JWT_KEY: pem("PUBLIC").optional(),
    CLERK_AUTHORIZED_PARTIES: csv.pipe(z.array(z.url()).min(1, "at least one origin")),
    CLERK_WEBHOOK_SECRET: z.string().startsWith("whsec_", "expected a whsec_ secret"),
    DEV_JWT_PRIVATE_KEY: pem("PRIVATE").optional(),
    TURNSTILE_SITE_KEY: z.string().min(1),
    TURNSTILE_SECRET_KEY: z.string().min(1),
    TURNSTILE_VERIFY_URL: z.url().default(DEFAULT_TURNSTILE_VERIFY_URL),
    ADMIN_KEY: z.string().min(32, "at least 32 characters"),
    RATE_LIMIT_BACKEND: z.enum(["kv", "durable-object"]).default("kv"),
    // First retry delay of a failed async compile; each further attempt doubles it.
    QUEUE_RETRY_BASE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
    SOURCE_ALLOW_PRIVATE_HOSTS: csv.pipe(z.array(sourceHostAndPort)).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.ENVIRONMENT !== "production") return;
    for (const [name, message] of productionProblems(env)) ctx.addIssue({ code: "custom", path: [name], message });
  });

// Cloudflare's documented Turnstile test keys (pass, fail, "already spent"): never a real check.
const TURNSTILE_TEST_SITE_KEY = /^[123]x0{20}[A-F]{2}$/;
const TURNSTILE_TEST_SECRET = /^[123]x0{31}AA$/;
// The dev stack's generated secret key (scripts/lib/dev-vars.mjs); real Clerk keys have no second `_`.
const DEV_STACK_SECRET_KEY = /^sk_live_dev_/;
// ≥ 32 characters is not enough on its own: "aaaa…" has them. Scored by estimatedEntropyBits, a key
// from `openssl rand -hex 16` (the shortest honest one) never fell below 87 in 100 000 draws;
// "abab…" scores 32.
const ADMIN_KEY_MIN_ENTROPY_BITS = 64;

/** Length × Shannon entropy of the value's own character frequencies: what its characters could carry. */
function estimatedEntropyBits(value: string): number {
  const chars = [...value];
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) perChar -= (count / chars.length) * Math.log2(count / chars.length);
  return perChar * chars.length;
}

/** "abcabc…": one shorter piece repeated, however varied the piece. */
const isRepetition = (value: string) => /^([\s\S]+?)\1+$/.test(value);

const isWeakAdminKey = (key: string) => estimatedEntropyBits(key) < ADMIN_KEY_MIN_ENTROPY_BITS || isRepetition(key);

/**
 * Values that only a development or test stack may use — its generated keys, Clerk's and
 * Cloudflare's test keys, plain-HTTP origins, a guessable admin key — each named so the deploy fails
 * with the variable to fix, not with a site that quietly accepts forged sign-ins or every bot.
 */
function productionProblems(env: AppEnv): [string, string][] {
  const notInProduction = "must not be set in production";
  const problems: [string, string][] = [];
  // The development sign-in mints tokens with this key; it must never exist in production.
  if (env.DEV_JWT_PRIVATE_KEY) problems.push(["DEV_JWT_PRIVATE_KEY", notInProduction]);
  if (env.NEON_WS_PROXY) problems.push(["NEON_WS_PROXY", notInProduction]);
  // Lets compile sources reach private addresses (the local source server in tests): SSRF in production.
  if (env.SOURCE_ALLOW_PRIVATE_HOSTS?.length) problems.push(["SOURCE_ALLOW_PRIVATE_HOSTS", notInProduction]);
  if (env.CLERK_PUBLISHABLE_KEY.startsWith("pk_test_")) {
    problems.push([
      "CLERK_PUBLISHABLE_KEY",
      "is a development instance's pk_test_ key; use the production pk_live_ key",
    ]);
  } else if (clerkFrontendApiOrigin(env.CLERK_PUBLISHABLE_KEY)?.endsWith(".localhost")) {
    problems.push(["CLERK_PUBLISHABLE_KEY", "is the development stack's generated key"]);
  }
  if (env.CLERK_SECRET_KEY.startsWith("sk_test_")) {
    problems.push(["CLERK_SECRET_KEY", "is a development instance's sk_test_ key; use the production sk_live_ key"]);
  } else if (DEV_STACK_SECRET_KEY.test(env.CLERK_SECRET_KEY)) {
    problems.push(["CLERK_SECRET_KEY", "is the development stack's generated key"]);
  }
  const plainHttp = env.CLERK_AUTHORIZED_PARTIES.filter((origin) => !origin.startsWith("https://"));
  if (plainHttp.length > 0) {
    problems.push(["CLERK_AUTHORIZED_PARTIES", `must be https:// origins in production (not ${plainHttp.join(", ")})`]);
  }
  if (TURNSTILE_TEST_SITE_KEY.test(env.TURNSTILE_SITE_KEY)) {
    problems.push(["TURNSTILE_SITE_KEY", "is one of Cloudflare's test site keys"]);
  }
  if (TURNSTILE_TEST_SECRET.test(env.TURNSTILE_SECRET_KEY)) {
    problems.push(["TURNSTILE_SECRET_KEY", "is one of Cloudflare's test secrets, which pass every token"]);
  }
  if (env.TURNSTILE_VERIFY_URL !== DEFAULT_TURNSTILE_VERIFY_URL) {
    problems.push([
      "TURNSTILE_VERIFY_URL",
      `must be Cloudflare's siteverify (${DEFAULT_TURNSTILE_VERIFY_URL}) in production`,
    ]);
  }
  if (isWeakAdminKey(env.ADMIN_KEY)) {
    problems.push(["ADMIN_KEY", "is too predictable (repeated characters or a pattern); use `openssl rand -hex 32`"]);
  }
  return problems;
}

export type AppEnv = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join("; ")}`);
    this.name = "EnvError";
  }
}

const parsed = new WeakMap<object, AppEnv>();

/** Validates the Worker's vars and secrets; throws EnvError naming every bad variable. */
export function getAppEnv(env: object): AppEnv {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`));
  }
  parsed.set(env, result.data);
  return result.data;
}
