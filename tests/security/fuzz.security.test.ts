/**
 * Property: whatever arrives — any method, path, query, headers and body, from anyone — the Worker
 * answers without a 5xx and without a stack trace, and every API error has the one error shape.
 *
 * fast-check generates the requests from a FIXED SEED (a failure names its run and shrinks to
 * the smallest request that shows it; rerun with the same seed to reproduce). They go through
 * the real bundled Worker with real Postgres, KV, Queues and the Turnstile stub; the only thing
 * replaced is the network beyond this machine: any fetch to a non-loopback host fails as a
 * network error would, so a generated source URL can never reach the internet.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TURNSTILE_DUMMY_TOKEN } from "../../scripts/lib/turnstile-stub.mjs";
import { createKey, signIn, type TestAccount } from "../worker/accounts";
import { svixHeaders } from "../worker/clerk-webhooks";
import { adsList } from "../worker/compile-fixtures";
import { call, inject, ORIGIN } from "../worker/helpers";
import { sessionClaims, signSession } from "../worker/session-tokens";
import { API_ENDPOINTS, PAGE_ROUTES, SAMPLE_ID } from "./routes";

// Change it only on purpose: the same seed replays the same requests.
const SEED = 20_261_130;
// Per property; their sum is the number of requests sent (asserted below to be at least 10 000).
const RUNS = { api: 5_000, signedWebhooks: 1_000, pages: 2_500, anywhere: 1_600 };
const MINIMUM_REQUESTS = 10_000;

// A stack frame ("at fn (file:1:2)"), a bundle or source path: none may reach a client.
const STACK_TRACE = /\bat (?:async )?\S+ \(?[^\s)]*:\d+:\d+\)?|node_modules|build\/index\.js|\.tsx?:\d+/;

let sent = 0;
let session: TestAccount;
let freeSession: TestAccount;
let apiKey: string;
let victimKeyId: string;
let forgedJwt: string;
const adminKey = () => inject("testBindings").ADMIN_KEY;

beforeAll(async () => {
  // Admin: no tier limit, so most requests get past the limiter and exercise what follows it.
  session = await signIn({ tier: "admin", role: "admin" });
  freeSession = await signIn({ tier: "free" });
  apiKey = (await createKey(session, { name: "fuzz", scopes: ["compile", "compile:async", "keys:read"] })).secret;
  victimKeyId = (await createKey(session)).key.id;
  forgedJwt = await signSession(sessionClaims({ azp: "https://evil.example" }));

  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname === "127.0.0.1") return realFetch(input, init);
    return Promise.reject(new TypeError("Network connection lost."));
  });
  // Tens of thousands of event lines would drown the report; what is logged is audited in logs.security.test.ts.
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation(() => {});
  }
});

afterAll(() => vi.restoreAllMocks());

/** Runs a property from the fixed seed and checks every one of its runs sent a request. */
async function runs(numRuns: number, property: fc.IAsyncProperty<unknown[]>) {
  const before = sent;
  await fc.assert(property, { seed: SEED, numRuns, endOnFailure: true });
  expect(sent - before).toBe(numRuns);
}

// —— building blocks ————————————————————————————————————————————————————————————————

/** Printable ASCII: what a header value may hold without workerd re-encoding (and warning about) it. */
const headerText = (maxLength = 80) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });

const segment = fc.oneof(
  fc.constantFrom("..", ".", "%2e%2e", "%2F", "%00", "%E0%A4%A", "%", "~", "_data", "index", "🙂", "a".repeat(300)),
  fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_.~%:@!$&'()*+,;="), maxLength: 20 }),
  fc.uuid(),
);

const suffix = fc.array(segment, { maxLength: 3 }).map((parts) => parts.map((part) => `/${part}`).join(""));

const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom("format", "limit", "cursor", "_data", "index", "redirect_url", "api_key", "token", "key"),
        fc.string({ maxLength: 12 }),
      ),
      fc.oneof(
        fc.constantFrom("text", "json", "-1", "0", "101", "1e9", "routes/dashboard._index", "root", "//evil.example"),
        fc.constantFrom("bqk_AAAA", "eyJhbGciOiJub25lIn0.e30."),
        fc.string({ maxLength: 40 }),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ""));

const jwtJunk = fc
  .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 40 }))
  .map(([header, claims, signature]) =>
    [JSON.stringify(header), JSON.stringify(claims), signature]
      .map((part) => btoa(unescape(encodeURIComponent(part ?? ""))).replace(/=+$/, ""))
      .join("."),
  );

type Credentials = () => Record<string, string>;

const credentials: fc.Arbitrary<Credentials> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(() => ({})) },
  { weight: 3, arbitrary: fc.constant(() => ({ Authorization: `Bearer ${session.token}` })) },
  { weight: 1, arbitrary: fc.constant(() => ({ Cookie: session.cookie })) },
  { weight: 1, arbitrary: fc.constant(() => ({ Authorization: `Bearer ${freeSession.token}` })) },
  { weight: 3, arbitrary: fc.constant(() => ({ "X-API-Key": apiKey })) },
  { weight: 1, arbitrary: fc.constant(() => ({ Authorization: `Bearer ${forgedJwt}` })) },
  { weight: 1, arbitrary: fc.constant(() => ({ "X-Admin-Key": adminKey() })) },
  { weight: 2, arbitrary: jwtJunk.map((jwt) => () => ({ Authorization: `Bearer ${jwt}` })) },
  { weight: 1, arbitrary: jwtJunk.map((jwt) => () => ({ Cookie: `__session=${jwt}; __client_uat=1` })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("Authorization", "X-API-Key", "Cookie", "X-Admin-Key"), headerText(120))
      .map(([name, value]) => () => ({ [name]: value })),
  },
  { weight: 1, arbitrary: headerText(60).map((tail) => () => ({ "X-API-Key": `bqk_${tail}` })) },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "multipart/form-data",
      "application/json-patch+json",
      "",
    ),
  },
  { weight: 1, arbitrary: headerText(40) },
);

const browserContext = fc.record(
  {
    "Sec-Fetch-Site": fc.constantFrom("same-origin", "same-site", "cross-site", "none", "garbage"),
    Origin: fc.constantFrom("https://bloqr.test", "https://evil.example", "null", ""),
    "CF-Connecting-IP": fc.oneof(fc.ipV4(), fc.ipV6(), headerText(60)),
    "CF-Turnstile-Response": fc.oneof(fc.constant(TURNSTILE_DUMMY_TOKEN), headerText(30)),
    Accept: fc.constantFrom("application/json", "text/html", "*/*", "text/event-stream"),
  },
  { requiredKeys: [] },
);

// Reserved .invalid names never resolve, and the metadata address is refused before any fetch: even a
// consumer in another isolate (outside the fetch stub) cannot reach a real host with these.
const sourceUrls = [
  "https://lists.example.invalid/ads.txt",
  "https://lists.example.invalid/other.txt",
  "http://169.254.169.254/latest",
  "file:///etc/passwd",
];

/**
 * Patterns that would stall a backtracking engine (nested quantifiers), that RE2 cannot run
 * (lookaround, backreferences) or that are over the compile budget's regex cap.
 */
const hostilePattern = fc.constantFrom(
  "/(a+)+$/",
  "/(x+x+)+y/",
  "/(.*a){20}/",
  "/^(a|aa)*$/",
  "/(\\w+\\s?)*$/",
  "/a(?=b)/",
  "/(?<!x)a/",
  "/(a)\\1/",
  "/a{600}b{600}/",
  "/a{1001}/",
  `/${"a".repeat(2000)}/`,
);
const pattern = fc.oneof(fc.constantFrom("*", "/[/", "||x^"), hostilePattern, fc.string());

/** More sources than the compile budget allows, all naming one pre-fetched list. */
const manySources = fc
  .tuple(fc.integer({ min: 20, max: 40 }), fc.constantFrom(...sourceUrls.slice(0, 2)))
  .map(([count, source]) => Array.from({ length: count }, () => ({ source })));

/** A configuration shaped like a real one with any part replaced: reaches the compiler's own checks. */
const configuration = fc.oneof(
  fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 1 })),
      sources: fc.oneof(
        fc.array(
          fc.record(
            {
              source: fc.oneof(fc.constantFrom(...sourceUrls), fc.string({ maxLength: 30 })),
              type: fc.oneof(fc.constantFrom("adblock", "hosts"), fc.string({ maxLength: 8 })),
              name: fc.string({ maxLength: 10 }),
              exclusions: fc.array(pattern, { maxLength: 3 }),
              inclusions: fc.array(pattern, { maxLength: 2 }),
              transformations: fc.array(fc.constantFrom("Deduplicate", "Compress", "Validate", "Nope"), {
                maxLength: 3,
              }),
            },
            { requiredKeys: ["source"] },
          ),
          { maxLength: 3 },
        ),
        manySources,
        fc.jsonValue({ maxDepth: 2 }),
      ),
      transformations: fc.oneof(
        fc.array(
          fc.constantFrom(
            "RemoveComments",
            "Compress",
            "Deduplicate",
            "Validate",
            "ValidateAllowIp",
            "InvertAllow",
            "ConvertToAscii",
            "RemoveModifiers",
            "TrimLines",
            "RemoveEmptyLines",
            "InsertFinalNewLine",
            "Bogus",
          ),
          { maxLength: 6 },
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      exclusions: fc.array(fc.oneof(fc.string({ maxLength: 20 }), hostilePattern), { maxLength: 3 }),
      inclusions: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
    },
    { requiredKeys: ["name", "sources"] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

const listText = fc.oneof(
  fc.constant(adsList),
  // lines a backtracking engine chokes on under the hostile patterns above
  fc.integer({ min: 20, max: 5_000 }).map((length) => `${"a".repeat(length)}!\n${"x".repeat(length)}\n||a.example^`),
  // include fan-out: up to 120 includes of one of the pre-fetched lists, past the compile budget's cap
  fc
    .tuple(fc.integer({ min: 1, max: 120 }), fc.constantFrom("ads.txt", "other.txt"))
    .map(([count, target]) => Array.from({ length: count }, () => `!#include ${target}`).join("\n")),
  fc
    .array(fc.oneof(fc.constantFrom("||a.example^", "0.0.0.0 b.example", "! c", "@@||d^", "/re/"), fc.string()), {
      maxLength: 20,
    })
    .map((lines) => lines.join("\n")),
);

const compileBody = fc.record(
  {
    configuration,
    preFetchedContent: fc.oneof(
      fc.dictionary(fc.constantFrom(...sourceUrls), listText, { maxKeys: 2 }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    turnstileToken: fc.oneof(fc.constant(TURNSTILE_DUMMY_TOKEN), fc.string({ maxLength: 20 })),
    priority: fc.oneof(fc.constantFrom("standard", "high"), fc.string({ maxLength: 6 })),
  },
  { requiredKeys: [] },
);

const shapedBody = fc.oneof(
  compileBody,
  fc.record(
    {
      items: fc.array(fc.record({ id: fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), configuration }), {
        maxLength: 4,
      }),
      turnstileToken: fc.constant(TURNSTILE_DUMMY_TOKEN),
    },
    { requiredKeys: ["items"] },
  ),
  fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 1 })),
      scopes: fc.oneof(
        fc.array(fc.constantFrom("compile", "compile:async", "keys:read", "keys:write", "admin")),
        fc.jsonValue(),
      ),
      expiresAt: fc.oneof(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.string(),
      ),
      rateLimitPerMinute: fc.oneof(fc.integer(), fc.double(), fc.constant(1e308)),
    },
    { requiredKeys: [] },
  ),
);

/** Raw body text: shaped JSON, any JSON, broken JSON, deep nesting, odd bytes. */
const bodyText = fc.oneof(
  { weight: 5, arbitrary: shapedBody.map((value) => JSON.stringify(value)) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? "null") },
  { weight: 2, arbitrary: fc.string({ maxLength: 200, unit: "binary" }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{"a":', "[".repeat(5_000), `{"a":${"[".repeat(100_000)}`, "\u0000", "\ufeff{}"),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300_000 }).map((length) => `"${"x".repeat(length)}"`) },
);

// —— the checks ——————————————————————————————————————————————————————————————————————————

interface Attempt {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

async function send(attempt: Attempt): Promise<boolean> {
  const hasBody = attempt.body !== undefined && attempt.method !== "GET" && attempt.method !== "HEAD";
  // Absolute, so a path such as "//x" is a path and not a protocol-relative URL naming host x.
  const url = new URL(ORIGIN + attempt.url);
  const response = await call(url.href, {
    method: attempt.method,
    headers: attempt.headers,
    body: hasBody ? attempt.body : undefined,
  });
  sent++;
  const text = await response.text();
  const where = `${attempt.method} ${attempt.url} → ${response.status}: ${text.slice(0, 300)}`;
  expect(response.status, where).toBeLessThan(500);
  expect(text, where).not.toMatch(STACK_TRACE);
  expect(response.headers.get("X-Content-Type-Options"), where).toBe("nosniff");
  const { pathname } = url;
  if ((pathname === "/api" || pathname.startsWith("/api/")) && response.status >= 400 && attempt.method !== "HEAD") {
    expect(JSON.parse(text), where).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  }
  return true;
}

const methods = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

const pathParam = fc.oneof(fc.constant(SAMPLE_ID), fc.uuid(), fc.constant("victim"), segment);

describe("fuzz: any request → no 5xx, no stack trace, API errors in the one shape", () => {
  it(`${RUNS.api} requests to the API endpoints`, { timeout: 600_000 }, async () => {
    await runs(
      RUNS.api,
      fc.asyncProperty(
        fc.constantFrom(...API_ENDPOINTS),
        fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: methods }),
        pathParam,
        queryString,
        credentials,
        contentType,
        browserContext,
        fc.option(bodyText, { nil: undefined, freq: 6 }),
        async (endpoint, method, param, query, credential, type, context, body) => {
          const id = param === "victim" ? victimKeyId : encodeURIComponent(param).replaceAll("%25", "%");
          return send({
            method: method ?? endpoint.method,
            url: endpoint.path.replace(SAMPLE_ID, id) + query,
            headers: { ...context, ...credential(), ...(type ? { "Content-Type": type } : {}) },
            body,
          });
        },
      ),
    );
  });

  it(`${RUNS.signedWebhooks} correctly signed webhook deliveries with arbitrary payloads`, {
    timeout: 600_000,
  }, async () => {
    // Signed with the real secret, so they reach parsing and storage. Strings carry no NUL: Postgres
    // text cannot hold one, and a write Postgres refuses is answered 500 on purpose (Clerk retries;
    // see webhooks.security.test.ts), a path Clerk's own payloads never take.
    const text = fc.string({
      maxLength: 30,
      unit: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((c) => c !== "\0"),
    });
    const user = fc.record(
      {
        id: fc.oneof(fc.constant(`user_fuzz_${crypto.randomUUID()}`), text),
        email_addresses: fc.oneof(
          fc.array(fc.record({ id: fc.constantFrom("idn_1", "idn_2"), email_address: text }), { maxLength: 2 }),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        primary_email_address_id: fc.oneof(fc.constantFrom("idn_1", "idn_2"), fc.constant(null)),
        first_name: fc.oneof(text, fc.constant(null)),
        public_metadata: fc.oneof(
          fc.record({
            tier: fc.constantFrom("free", "pro", "admin", "root"),
            role: fc.constantFrom("user", "admin", "x"),
          }),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        updated_at: fc.oneof(
          fc.integer({ min: 0 }),
          fc.double(),
          fc.constant(Number.MAX_SAFE_INTEGER),
          fc.constant(1e20),
        ),
      },
      { requiredKeys: [] },
    );
    const event = fc.record(
      {
        type: fc.oneof(fc.constantFrom("user.created", "user.updated", "user.deleted", "session.created"), text),
        data: fc.oneof(user, fc.jsonValue({ maxDepth: 2 })),
      },
      { requiredKeys: [] },
    );
    await runs(
      RUNS.signedWebhooks,
      fc.asyncProperty(
        fc.oneof(
          event.map((value) => JSON.stringify(value)),
          fc.string({ maxLength: 60 }),
        ),
        (payload) => send({ method: "POST", url: "/api/webhooks/clerk", headers: svixHeaders(payload), body: payload }),
      ),
    );
  });

  it(`${RUNS.pages} requests to every page (GET and form posts)`, { timeout: 600_000 }, async () => {
    const formBody = fc.oneof(
      fc
        .dictionary(fc.constantFrom("email", "tier", "role", "redirectUrl", "intent", "name", "id"), fc.string(), {
          maxKeys: 5,
        })
        .map((fields) => new URLSearchParams(fields).toString()),
      fc.string({ maxLength: 200 }),
    );
    await runs(
      RUNS.pages,
      fc.asyncProperty(
        fc.constantFrom(...PAGE_ROUTES),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom("GET", "POST") }, { weight: 1, arbitrary: methods }),
        suffix,
        queryString,
        credentials,
        fc.oneof(fc.constant("application/x-www-form-urlencoded"), contentType),
        browserContext,
        fc.option(formBody, { nil: undefined }),
        async (page, method, tail, query, credential, type, context, body) =>
          send({
            method,
            url: (tail && page.file === "$" ? tail : page.url) + query,
            headers: { ...context, ...credential(), "Content-Type": type },
            body,
          }),
      ),
    );
  });

  it(`${RUNS.anywhere} requests to arbitrary paths`, { timeout: 600_000 }, async () => {
    await runs(
      RUNS.anywhere,
      fc.asyncProperty(
        fc.oneof(
          suffix.map((tail) => `/api${tail}`),
          suffix.map((tail) => tail || "/"),
          fc.constantFrom("/api", "/api/", "//api/me", "/API/ME", "/api/me/", "/api/./me", "/build/../api/me"),
        ),
        methods,
        queryString,
        credentials,
        contentType,
        browserContext,
        fc.option(bodyText, { nil: undefined }),
        async (path, method, query, credential, type, context, body) =>
          send({ method, url: path + query, headers: { ...context, ...credential(), "Content-Type": type }, body }),
      ),
    );
  });
});

it("the runs add up to at least 10 000 requests", () => {
  expect(Object.values(RUNS).reduce((sum, runs) => sum + runs, 0)).toBeGreaterThanOrEqual(MINIMUM_REQUESTS);
});
