import { describe, expect, it } from "vitest";
import { EnvError, getAppEnv } from "~/services/env.server";
import { fakePublishableKey, generatedValues } from "../../scripts/lib/dev-vars.mjs";

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

/** A configuration a real production deployment could have: nothing from a development stack. */
function productionEnv(): Record<string, string | undefined> {
  return {
    ...validEnv(),
    ENVIRONMENT: "production",
    CLERK_PUBLISHABLE_KEY: `pk_live_${btoa("clerk.bloqr.example.com$")}`,
    CLERK_SECRET_KEY: "sk_live_4bQnRk7sZ0aXcVw2Yt9LmPq3Ud8He6Gj",
    CLERK_AUTHORIZED_PARTIES: "https://bloqr.example.com",
    DEV_JWT_PRIVATE_KEY: undefined,
    TURNSTILE_SITE_KEY: "0x4AAAAAAAB6n2SrYfFaLW1X",
    TURNSTILE_SECRET_KEY: "0x4AAAAAAAB6n2SuVtq3vY0Fk8nPr2oLa9Q",
    LIST_WEBHOOK_KEY: "9f2c4e7a1b8d3f6e0a5c2b9d7e4f1a3c",
  };
}

const problemsOf = (env: Record<string, string | undefined>) => {
  try {
    getAppEnv(env);
    return [];
  } catch (error) {
    return (error as EnvError).problems;
  }
};

describe("getAppEnv in production", () => {
  it("accepts a production configuration", () => {
    expect(problemsOf(productionEnv())).toEqual([]);
  });

  it("refuses production without the key published lists' webhooks are signed with", () => {
    expect(problemsOf({ ...productionEnv(), LIST_WEBHOOK_KEY: undefined })).toEqual([
      expect.stringMatching(/^LIST_WEBHOOK_KEY: is required in production/),
    ]);
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    [
      "a pk_test_ publishable key",
      { CLERK_PUBLISHABLE_KEY: `pk_test_${btoa("x.clerk.accounts.dev$")}` },
      /^CLERK_PUBLISHABLE_KEY: /,
    ],
    ["an sk_test_ secret key", { CLERK_SECRET_KEY: "sk_test_4bQnRk7sZ0aXcVw2Yt9LmPq3Ud8He6Gj" }, /^CLERK_SECRET_KEY: /],
    [
      "the dev stack's generated publishable key",
      { CLERK_PUBLISHABLE_KEY: fakePublishableKey() },
      /^CLERK_PUBLISHABLE_KEY: .*generated/,
    ],
    [
      "the dev stack's generated secret key",
      { CLERK_SECRET_KEY: unquote(generatedValues().CLERK_SECRET_KEY) },
      /^CLERK_SECRET_KEY: .*generated/,
    ],
    [
      "the dev stack's JWT signing key",
      { DEV_JWT_PRIVATE_KEY: unquote(generatedValues().DEV_JWT_PRIVATE_KEY) },
      /^DEV_JWT_PRIVATE_KEY: /,
    ],
    [
      "Turnstile's always-pass test secret",
      { TURNSTILE_SECRET_KEY: "1x0000000000000000000000000000000AA" },
      /^TURNSTILE_SECRET_KEY: /,
    ],
    ["Turnstile's test site key", { TURNSTILE_SITE_KEY: "1x00000000000000000000AA" }, /^TURNSTILE_SITE_KEY: /],
    ["a siteverify stub", { TURNSTILE_VERIFY_URL: "http://127.0.0.1:9999/siteverify" }, /^TURNSTILE_VERIFY_URL: /],
    [
      "an http:// authorized party",
      { CLERK_AUTHORIZED_PARTIES: "https://bloqr.example.com,http://bloqr.example.com" },
      /^CLERK_AUTHORIZED_PARTIES: .*http:\/\/bloqr\.example\.com/,
    ],
    ["an ADMIN_KEY of one repeated character", { ADMIN_KEY: "a".repeat(64) }, /^ADMIN_KEY: /],
    ["an ADMIN_KEY that repeats a short piece", { ADMIN_KEY: "0123456789abcdef".repeat(4) }, /^ADMIN_KEY: /],
    ["an ADMIN_KEY of two alternating characters", { ADMIN_KEY: "ab".repeat(20) }, /^ADMIN_KEY: /],
  ];
  it.each(refused)("refuses %s, naming the variable", (_label, override, named) => {
    const problems = problemsOf({ ...productionEnv(), ...override });
    expect(problems).toEqual([expect.stringMatching(named)]);
  });

  it("the same values are fine outside production (the dev stack and the tests use them)", () => {
    expect(
      problemsOf({
        ...validEnv(),
        TURNSTILE_VERIFY_URL: "http://127.0.0.1:9999/siteverify",
        ADMIN_KEY: "a".repeat(64),
      }),
    ).toEqual([]);
  });

  it("accepts random admin keys of the documented shapes", () => {
    for (let i = 0; i < 200; i++) {
      const hex16 = [...crypto.getRandomValues(new Uint8Array(16))]
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
      expect(problemsOf({ ...productionEnv(), ADMIN_KEY: hex16 })).toEqual([]);
    }
  });
});

describe("CLERK_PUBLISHABLE_KEY", () => {
  it("must encode the instance's Frontend API host (its token issuer)", () => {
    expect(problemsOf({ ...validEnv(), CLERK_PUBLISHABLE_KEY: `pk_live_${btoa("localhost$")}` })).toEqual([
      "CLERK_PUBLISHABLE_KEY: does not encode a Clerk Frontend API host",
    ]);
  });
});
