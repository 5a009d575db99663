import { beforeAll, describe, expect, it } from "vitest";
import { call, inject, ORIGIN } from "./helpers";
import { type Carrier, carriers, jwtWith, nowSeconds, sessionClaims, signSession } from "./session-tokens";

const CARRIERS = Object.keys(carriers) as Carrier[];
const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

const me = (carrier: Carrier, token: string) => call("/api/me", { headers: carriers[carrier](token) });

async function expectUnauthorized(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("Content-Type")).toContain("application/json");
  expect(await response.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
}

let foreignKey: CryptoKey;
beforeAll(async () => {
  const pair = await crypto.subtle.generateKey(
    { ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    false,
    ["sign", "verify"],
  );
  foreignKey = (pair as CryptoKeyPair).privateKey;
});

describe.each(CARRIERS)("session JWT via %s", (carrier) => {
  it("a valid token → the session principal", async () => {
    const claims = sessionClaims();
    const response = await me(carrier, await signSession(claims));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      kind: "session",
      tier: "free",
      role: "user",
      email: claims.email,
      scopes: ["compile", "compile:async", "jobs:read", "keys:read", "keys:write", "lists:read", "lists:write"],
      clerkUserId: claims.sub,
    });
  });

  it("tier and role come from the token's metadata claim", async () => {
    const claims = sessionClaims({ metadata: { tier: "pro", role: "admin" } });
    const response = await me(carrier, await signSession(claims));
    expect(await response.json()).toMatchObject({ kind: "session", tier: "pro", role: "admin" });
  });

  // Clerk allows 5 s of clock skew and claims are whole seconds: 2 s is inside it, 7 s is
  // outside it even when the second has nearly elapsed and the request takes a moment.
  it("expired 2 s ago (inside the 5 s skew) → accepted", async () => {
    const iat = nowSeconds() - 60;
    const response = await me(carrier, await signSession(sessionClaims({ iat, nbf: iat, exp: nowSeconds() - 2 })));
    expect(response.status).toBe(200);
  });

  it("valid from 2 s ahead (inside the 5 s skew) → accepted", async () => {
    const response = await me(carrier, await signSession(sessionClaims({ nbf: nowSeconds() + 2 })));
    expect(response.status).toBe(200);
  });

  it("expired 7 s ago → 401", async () => {
    const iat = nowSeconds() - 60;
    await expectUnauthorized(
      await me(carrier, await signSession(sessionClaims({ iat, nbf: iat, exp: nowSeconds() - 7 }))),
    );
  });

  it("not valid until 7 s from now → 401", async () => {
    await expectUnauthorized(await me(carrier, await signSession(sessionClaims({ nbf: nowSeconds() + 7 }))));
  });

  it("azp naming another origin → 401", async () => {
    await expectUnauthorized(await me(carrier, await signSession(sessionClaims({ azp: "https://evil.example" }))));
  });

  // Stricter than Clerk's own verifier (ARCHITECTURE §2): what its guidance asks of every token.
  // Lifetimes are exp − iat, so both are set from one clock reading when the test runs.
  const living = (seconds: number) => {
    const iat = nowSeconds();
    return { iat, nbf: iat, exp: iat + seconds };
  };
  it.each<[string, () => Record<string, unknown>]>([
    ["no sid", () => ({ sid: undefined })],
    ["an empty sid", () => ({ sid: "" })],
    ["a foreign iss", () => ({ iss: "https://clerk.evil.example" })],
    ["an iss of another Clerk instance", () => ({ iss: "https://great-owl-12.clerk.accounts.dev" })],
    ["no iss", () => ({ iss: undefined })],
    ["no azp", () => ({ azp: undefined })],
    ["a ten-year lifetime", () => living(10 * 365 * 24 * 3600)],
    ["a lifetime one second over an hour", () => living(3601)],
    ["no iat", () => ({ iat: undefined })],
  ])("%s → 401", async (_label, overrides) => {
    await expectUnauthorized(await me(carrier, await signSession(sessionClaims(overrides()))));
  });

  it("a lifetime of exactly an hour → accepted", async () => {
    const response = await me(carrier, await signSession(sessionClaims(living(3600))));
    expect(response.status).toBe(200);
  });

  it("a request whose Origin is not the token's azp → 401; the azp's own origin → 200", async () => {
    const token = await signSession(sessionClaims({ azp: "http://localhost" }));
    const foreign = await call("/api/me", { headers: { ...carriers[carrier](token), Origin: ORIGIN } });
    await expectUnauthorized(foreign);
    const own = await call("/api/me", { headers: { ...carriers[carrier](token), Origin: "http://localhost" } });
    expect(own.status).toBe(200);
  });

  it("alg: none, unsigned → 401", async () => {
    await expectUnauthorized(await me(carrier, await jwtWith({ alg: "none", typ: "JWT" }, sessionClaims())));
  });

  it("HS256 with the public key as the HMAC secret → 401", async () => {
    const publicPem = inject("testBindings").CLERK_JWT_KEY;
    const hmac = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(publicPem),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const token = await jwtWith({ alg: "HS256", typ: "JWT", kid: "bloqr-dev" }, sessionClaims(), (data) =>
      crypto.subtle.sign("HMAC", hmac, data),
    );
    await expectUnauthorized(await me(carrier, token));
  });

  it("RS256 signed by another key → 401", async () => {
    const token = await jwtWith({ alg: "RS256", typ: "JWT", kid: "bloqr-dev" }, sessionClaims(), (data) =>
      crypto.subtle.sign(RS256.name, foreignKey, data),
    );
    await expectUnauthorized(await me(carrier, token));
  });

  it("a genuine signature over a changed payload → 401", async () => {
    const [header, , signature] = (await signSession(sessionClaims())).split(".");
    const forgedClaims = btoa(JSON.stringify(sessionClaims({ metadata: { role: "admin" } })))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    await expectUnauthorized(await me(carrier, `${header}.${forgedClaims}.${signature}`));
  });

  it.each(["garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.not-json.sig", "....", "%00%ff"])(
    "garbage token %j → 401",
    async (token) => {
      await expectUnauthorized(await me(carrier, token));
    },
  );

  it("a 20 KB token → 401", async () => {
    const token = await signSession(sessionClaims({ padding: "x".repeat(20 * 1024) }));
    expect(token.length).toBeGreaterThan(20 * 1024);
    await expectUnauthorized(await me(carrier, token));
  });
});

describe("session JWT — what a 401 does not leave behind", () => {
  it("a rejected token creates no user row and is not echoed back", async () => {
    const claims = sessionClaims({ azp: "https://evil.example" });
    const token = await signSession(claims);
    const response = await me("bearer", token);
    const body = await response.text();
    expect(response.status).toBe(401);
    expect(body).not.toContain(token);
    const valid = await me("bearer", await signSession({ ...claims, azp: "https://bloqr.test" }));
    // The same subject with a good token works, and is created only now (as a fresh free user).
    expect(await valid.json()).toMatchObject({ clerkUserId: claims.sub, tier: "free" });
  });
});

/** The suffix Clerk gives its cookies for this publishable key (`__session_<suffix>`). */
async function clerkCookieSuffix() {
  const digest = await crypto.subtle.digest(
    "SHA-1",
    new TextEncoder().encode(inject("testBindings").CLERK_PUBLISHABLE_KEY),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .slice(0, 8);
}

// Clerk's SDK decodes every session cookie while it builds its context, and throws (a 500) on
// what it cannot parse instead of reporting it. None of these may get past a 401.
describe("session cookies Clerk's SDK cannot parse → 401, never 500", () => {
  const cookieCases: [string, () => Promise<string>][] = [
    // A 256-byte signature is 342 characters whose last one must end in four zero bits; "B" does not.
    ["a signature segment with stray bits", async () => `${(await signSession(sessionClaims())).slice(0, -1)}B`],
    [
      "a payload that is JSON but not an object",
      async () => jwtWith({ alg: "RS256", typ: "JWT" }, null as unknown as Record<string, unknown>),
    ],
    ["an iss claim that is not a string", async () => signSession(sessionClaims({ iss: 42 }))],
    ["a percent-encoded token", async () => encodeURIComponent(`{${await signSession(sessionClaims())}}`)],
  ];

  it.each(cookieCases)("__session with %s → 401", async (_label, makeToken) => {
    const token = await makeToken();
    await expectUnauthorized(await me("cookie", token));
  });

  it("a garbage suffixed __session cookie beside a plausible one → 401", async () => {
    const suffix = await clerkCookieSuffix();
    const plausible = await jwtWith({ alg: "RS256", typ: "JWT" }, sessionClaims());
    const response = await call("/api/me", {
      headers: {
        Cookie: `__session=${plausible}; __client_uat=1; __session_${suffix}=x.y.z; __client_uat_${suffix}=1`,
      },
    });
    await expectUnauthorized(response);
  });
});

describe("session JWT — a user the webhook has not synced yet", () => {
  it("their address still held by another (stale) row → signed in all the same", async () => {
    const stale = sessionClaims();
    expect((await me("bearer", await signSession(stale))).status).toBe(200);
    const fresh = sessionClaims({ email: stale.email });
    const response = await me("bearer", await signSession(fresh));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ kind: "session", clerkUserId: fresh.sub, email: null });
  });
});
