/**
 * All configuration, validated in one place. Parsed once per Worker isolate (the `env` object is
 * stable); a missing or malformed variable throws an EnvError naming it. The names go to logs
 * only — clients see a generic 500.
 */
import { z } from "zod";

export const DEFAULT_TURNSTILE_VERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

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

export const envSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, "expected a postgres:// URL"),
    NEON_WS_PROXY: hostAndPort.optional(),
    CLERK_PUBLISHABLE_KEY: z
      .string()
      .regex(/^pk_(test|live)_[A-Za-z0-9+/=]+$/, "expected a Clerk pk_test_/pk_live_ key"),
    CLERK_SECRET_KEY: z.string().regex(/^sk_(test|live)_\w+$/, "expected a Clerk sk_test_/sk_live_ key"),
    CLERK_JWT_KEY: pem("PUBLIC").optional(),
    CLERK_JWKS_URL: z.url().optional(),
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
    // The development sign-in mints tokens with this key; it must never exist in production.
    if (env.DEV_JWT_PRIVATE_KEY) {
      ctx.addIssue({ code: "custom", path: ["DEV_JWT_PRIVATE_KEY"], message: "must not be set in production" });
    }
    if (env.NEON_WS_PROXY) {
      ctx.addIssue({ code: "custom", path: ["NEON_WS_PROXY"], message: "must not be set in production" });
    }
    // Lets compile sources reach private addresses (the local source server in tests): SSRF in production.
    if (env.SOURCE_ALLOW_PRIVATE_HOSTS?.length) {
      ctx.addIssue({ code: "custom", path: ["SOURCE_ALLOW_PRIVATE_HOSTS"], message: "must not be set in production" });
    }
  });

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
