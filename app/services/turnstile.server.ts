/**
 * Server-side Turnstile verification (siteverify). A token proves a browser solved a challenge for
 * this site and action; anything short of a clear "success" from the verifier is not a pass.
 */
import { z } from "zod";
import { ApiError } from "./http.server";

export const TURNSTILE_HEADER = "CF-Turnstile-Response";
export const COMPILE_ACTION = "compile";
// Turnstile tokens are at most 2048 characters; anything longer is not one.
const MAX_TOKEN_LENGTH = 2048;
// Per attempt; two attempts stay well inside a client's patience and the Worker's limits.
const ATTEMPT_TIMEOUT_MS = 3_000;
const ATTEMPTS = 2;

/**
 * Cloudflare's documented test secrets answer with fixed dummy hostname and action, so only
 * real secrets get those checked.
 */
const TEST_SECRETS = new Set([
  "1x0000000000000000000000000000000AA",
  "2x0000000000000000000000000000000AA",
  "3x0000000000000000000000000000000AA",
]);

const siteverifyAnswer = z.object({
  success: z.boolean(),
  hostname: z.string().optional(),
  action: z.string().optional(),
  "error-codes": z.array(z.string()).optional().default([]),
});

interface TurnstileCheck {
  token: string | null | undefined;
  remoteIp: string;
  hostname: string;
  action: string;
}

interface TurnstileConfig {
  secret: string;
  verifyUrl: string;
}

const failed = (message: string) => new ApiError(403, message, { code: "turnstile_failed" });

async function siteverify(config: TurnstileConfig, form: URLSearchParams) {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(config.verifyUrl, {
        method: "POST",
        body: form,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      if (response.status >= 500) throw new Error(`siteverify answered ${response.status}`);
      return siteverifyAnswer.parse(await response.json());
    } catch (error) {
      if (attempt >= ATTEMPTS) {
        // The guard records the outage (with this cause) as a turnstile.unavailable event.
        throw new ApiError(503, "Bot protection is unavailable right now; try again shortly.", {
          code: "turnstile_unavailable",
          headers: { "Retry-After": "5" },
          cause: String(error),
        });
      }
    }
  }
}

/** Throws ApiError 403 when the token is missing or rejected, 503 when the verifier cannot answer. */
export async function verifyTurnstile(config: TurnstileConfig, check: TurnstileCheck): Promise<void> {
  const token = check.token?.trim();
  if (!token) {
    throw failed(
      `A Turnstile token is required: send it as "turnstileToken" in the body or the ${TURNSTILE_HEADER} header.`,
    );
  }
  if (token.length > MAX_TOKEN_LENGTH) throw failed("The Turnstile token is malformed.");

  const form = new URLSearchParams({
    secret: config.secret,
    response: token,
    remoteip: check.remoteIp,
    // A retry with the same key is answered as the first attempt, not as "token already spent".
    idempotency_key: crypto.randomUUID(),
  });
  const answer = await siteverify(config, form);
  if (!answer.success) {
    const reasons = answer["error-codes"].join(", ") || "rejected";
    throw failed(`The Turnstile challenge was not passed (${reasons}).`);
  }
  if (TEST_SECRETS.has(config.secret)) return;
  if (answer.hostname !== check.hostname) throw failed("The Turnstile token was issued for another site.");
  if (answer.action !== check.action) throw failed("The Turnstile token was issued for another action.");
}
