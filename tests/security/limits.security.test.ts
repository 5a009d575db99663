/**
 * Body limits on every JSON endpoint: over 1 MB → 413 (compile bodies, which may carry the lists
 * themselves, 10 MB), not JSON → 415, broken JSON → 400, the wrong shape → 400; always in the
 * `{error:{code,message}}` shape, and refused while reading, not after buffering it all.
 * The webhook's own 256 KB cap is tested in tests/worker/webhooks.security.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_COMPILE_BODY_BYTES, MAX_JSON_BODY_BYTES } from "~/api/schemas";
import { createKey, jsonBody, signIn } from "../worker/accounts";
import { ADS_LIST_URL, configuration, preFetchedContent } from "../worker/compile-fixtures";
import { bodyOf, call } from "../worker/helpers";
import { API_ENDPOINTS, type ApiEndpoint, validBody } from "./routes";

const CHUNK = 64 * 1024;
const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });

let key: string;
let otherKeyId: string;
beforeAll(async () => {
  // An admin's key: no tier limit to trip over, and exempt from Turnstile, so each answer is the body's.
  const admin = await signIn({ tier: "admin", role: "admin" });
  key = (
    await createKey(admin, {
      name: "limits",
      scopes: ["compile", "compile:async", "keys:read", "keys:write", "lists:write"],
    })
  ).secret;
  otherKeyId = (await createKey(admin)).key.id;
});

const jsonEndpoints = API_ENDPOINTS.filter((endpoint) => endpoint.body === "json" && endpoint.auth !== "webhook");
const isCompile = (endpoint: ApiEndpoint) => endpoint.path.startsWith("/api/compile");
const capOf = (endpoint: ApiEndpoint) => (isCompile(endpoint) ? MAX_COMPILE_BODY_BYTES : MAX_JSON_BODY_BYTES);
const pathOf = (endpoint: ApiEndpoint) => endpoint.path.replace(/[0-9a-f-]{36}$/, otherKeyId);

function send(endpoint: ApiEndpoint, body: BodyInit, contentType: string | null = "application/json") {
  return call(pathOf(endpoint), {
    method: endpoint.method,
    headers: { "X-API-Key": key, ...(contentType ? { "Content-Type": contentType } : {}) },
    body,
    // A stream needs half-duplex; a string does not mind it.
    duplex: "half",
  } as RequestInit);
}

/** An endless stream of JSON-ish bytes that counts how much the server read of it. */
function endlessBody() {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulled += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
    },
  });
  return { stream, counter };
}

describe.each(jsonEndpoints.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint] as const))(
  "%s",
  (_, endpoint) => {
    it("a body one byte over its cap → 413", async () => {
      const cap = capOf(endpoint);
      const response = await send(endpoint, `"${"x".repeat(cap - 1)}"`);
      expect(response.status).toBe(413);
      expect(await bodyOf(response)).toEqual(errorShape("payload_too_large"));
    });

    it("an endless body → 413 after reading little more than the cap", async () => {
      const { stream, counter } = endlessBody();
      const response = await send(endpoint, stream);
      expect(response.status).toBe(413);
      expect(counter.pulled).toBeLessThanOrEqual(capOf(endpoint) + 4 * CHUNK);
    });

    it.each([
      ["text/plain", "text/plain"],
      ["form-encoded", "application/x-www-form-urlencoded"],
      ["JSON look-alike", "application/jsonx"],
      ["no Content-Type", null],
    ])("%s → 415", async (_, contentType) => {
      const response = await send(endpoint, JSON.stringify(validBody(endpoint, {})), contentType);
      expect(response.status).toBe(415);
      expect(await bodyOf(response)).toEqual(errorShape("unsupported_media_type"));
    });

    it.each(["{", '{"a":1,}', "nul", "[".repeat(100_000), ""])("invalid JSON %# → 400", async (text) => {
      const response = await send(endpoint, text);
      expect(response.status).toBe(400);
      expect(await bodyOf(response)).toEqual(errorShape("invalid_json"));
    });

    it.each([[null], [[]], [42], [{ unexpected: true }]])("JSON of the wrong shape (%j) → 400", async (value) => {
      const response = await send(endpoint, JSON.stringify(value));
      expect(response.status).toBe(400);
      expect(await bodyOf(response)).toEqual(errorShape("invalid_request"));
    });

    it("application/json; charset=utf-8 is JSON", async () => {
      const response = await send(endpoint, JSON.stringify(validBody(endpoint, {})), "application/json; charset=utf-8");
      expect(response.status).not.toBe(415);
    });
  },
);

describe("compile bodies may be large", () => {
  it("a 3 MB compile (a list carried in preFetchedContent) is accepted and compiled", async () => {
    const bigList = Array.from({ length: 120_000 }, (_, index) => `||host-${index}.example^`).join("\n");
    expect(bigList.length).toBeGreaterThan(MAX_JSON_BODY_BYTES * 2);
    const response = await call("/api/compile", {
      method: "POST",
      ...jsonBody(
        { configuration: configuration(), preFetchedContent: { ...preFetchedContent, [ADS_LIST_URL]: bigList } },
        { "X-API-Key": key },
      ),
    });
    expect(response.status).toBe(200);
    expect((await bodyOf(response)).ruleCount).toBeGreaterThan(100_000);
  });
});
