/**
 * A local stand-in for Cloudflare's Turnstile siteverify endpoint, answering the way Cloudflare
 * documents for its test secret keys:
 *   1x0000000000000000000000000000000AA  always passes
 *   2x0000000000000000000000000000000AA  always fails
 *   3x0000000000000000000000000000000AA  fails as "token already spent"
 * Any other secret is rejected as invalid. Tokens must be non-empty; the test sitekeys' widget
 * hands out the dummy token XXXX.DUMMY.TOKEN.XXXX.
 */
import { createServer } from "node:http";

export const TURNSTILE_TEST_SECRETS = {
  pass: "1x0000000000000000000000000000000AA",
  fail: "2x0000000000000000000000000000000AA",
  spent: "3x0000000000000000000000000000000AA",
};
export const TURNSTILE_DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX";
const MAX_BODY_BYTES = 64 * 1024;

export function siteverify({ secret, response }) {
  const now = new Date().toISOString();
  if (!secret) return { success: false, "error-codes": ["missing-input-secret"] };
  if (!response) return { success: false, "error-codes": ["missing-input-response"] };
  switch (secret) {
    case TURNSTILE_TEST_SECRETS.pass:
      return { success: true, challenge_ts: now, hostname: "example.com", action: "", cdata: "", "error-codes": [] };
    case TURNSTILE_TEST_SECRETS.fail:
      return { success: false, "error-codes": ["invalid-input-response"] };
    case TURNSTILE_TEST_SECRETS.spent:
      return { success: false, "error-codes": ["timeout-or-duplicate"] };
    default:
      return { success: false, "error-codes": ["invalid-input-secret"] };
  }
}

async function readParams(request) {
  let body = "";
  for await (const chunk of request) {
    body += chunk;
    if (body.length > MAX_BODY_BYTES) throw new Error("body too large");
  }
  if ((request.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(body || "{}");
  return Object.fromEntries(new URLSearchParams(body));
}

/** @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>} */
export function startTurnstileStub({ port = 0 } = {}) {
  const server = createServer(async (request, response) => {
    if (request.method !== "POST") {
      response.writeHead(405).end();
      return;
    }
    try {
      const result = siteverify(await readParams(request));
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
    } catch {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(JSON.stringify({ success: false, "error-codes": ["bad-request"] }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const actual = server.address().port;
      resolve({
        url: `http://127.0.0.1:${actual}/turnstile/v0/siteverify`,
        port: actual,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
