import { describe, expect, it } from "vitest";
import { EnvError, getAppEnv } from "~/services/env.server";
import { generatedValues } from "../../scripts/lib/dev-vars.mjs";

const unquote = (value: string) => value.replace(/^"|"$/g, "").replaceAll("\\n", "\n");

function validEnv(): Record<string, string> {
  const generated = Object.fromEntries(Object.entries(generatedValues()).map(([k, v]) => [k, unquote(v as string)]));
  return {
    ...generated,
    ENVIRONMENT: "development",
    DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db",
    CLERK_AUTHORIZED_PARTIES: "http://localhost:8787, https://bloqr.example.com",
    TURNSTILE_SITE_KEY: "1x00000000000000000000AA",
    TURNSTILE_SECRET_KEY: "1x0000000000000000000000000000000AA",
  };
}

describe("getAppEnv", () => {
  it("accepts the generated development configuration and applies defaults", () => {
    const env = getAppEnv(validEnv());
    expect(env.CLERK_AUTHORIZED_PARTIES).toEqual(["http://localhost:8787", "https://bloqr.example.com"]);
    expect(env.TURNSTILE_VERIFY_URL).toBe("https://challenges.cloudflare.com/turnstile/v0/siteverify");
    expect(env.RATE_LIMIT_BACKEND).toBe("kv");
  });

  it("names every missing or malformed variable", () => {
    const env = { ...validEnv(), DATABASE_URL: "mysql://x", ADMIN_KEY: "short" } as Record<string, string | undefined>;
    delete env.CLERK_WEBHOOK_SECRET;
    expect(() => getAppEnv(env)).toThrow(EnvError);
    try {
      getAppEnv(env);
    } catch (error) {
      const message = (error as EnvError).message;
      expect(message).toContain("DATABASE_URL: expected a postgres:// URL");
      expect(message).toContain("ADMIN_KEY: at least 32 characters");
      expect(message).toContain("CLERK_WEBHOOK_SECRET");
    }
  });

  it("refuses the development signing key and the local bridge in production", () => {
    const env = { ...validEnv(), ENVIRONMENT: "production", NEON_WS_PROXY: "127.0.0.1:1234" };
    expect(() => getAppEnv(env)).toThrow(/DEV_JWT_PRIVATE_KEY: must not be set in production/);
    expect(() => getAppEnv(env)).toThrow(/NEON_WS_PROXY: must not be set in production/);
  });

  it("never puts a variable's value in the error", () => {
    const env = { ...validEnv(), CLERK_SECRET_KEY: "not-a-clerk-key-but-a-secret" };
    expect(() => getAppEnv(env)).toThrow(/CLERK_SECRET_KEY/);
    expect(() => getAppEnv(env)).not.toThrow(/not-a-clerk-key-but-a-secret/);
  });
});
