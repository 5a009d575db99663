import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import type { WebhookOutcome } from "~/domain";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";
import { MAX_WEBHOOK_BODY_BYTES, receiveClerkWebhook } from "~/services/webhooks.server";

const OUTCOMES = [
  "applied",
  "stale",
  "deleted",
  "duplicate",
  "ignored",
  "rejected",
] as const satisfies readonly WebhookOutcome[];

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/webhooks/clerk",
    operationId: "receiveClerkWebhook",
    summary: "Clerk user sync (svix-signed)",
    description: "Called by Clerk, verified with the svix signature headers; not for clients.",
    requiredHeaders: {
      "svix-id": "The delivery's id (a redelivery repeats it).",
      "svix-timestamp": "Seconds since the epoch; more than 5 minutes off → 401.",
      "svix-signature": "`v1,<base64 HMAC-SHA256>` of id, timestamp and body with the webhook secret.",
    },
    body: z
      .looseObject({ type: z.string().describe("`user.created`, `user.updated`, `user.deleted`; others are ignored.") })
      .describe("A Clerk webhook event."),
    responses: {
      200: {
        description: "Processed, a duplicate, ignored, or rejected for good (data Postgres refuses); Svix stops.",
        json: z.object({ received: z.literal(true), outcome: z.enum(OUTCOMES) }),
      },
      400: "missing svix headers or a malformed payload",
      401: "bad signature or stale timestamp",
      405: "not POST",
      413: `over ${MAX_WEBHOOK_BODY_BYTES / 1024} KB`,
      500: "the event could not be stored; Svix delivers it again",
      503: "the database cannot be reached (`Retry-After`); Svix delivers it again",
    },
  }),
];

/**
 * Clerk's user sync, verified by its Svix signature: no session, no rate limit, no Turnstile. A
 * refused delivery stores nothing; Svix retries any non-2xx answer.
 */
export const action = publicEndpoint(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  const { outcome } = await receiveClerkWebhook(request, {
    secret: context.config.CLERK_WEBHOOK_SECRET,
    db: context.database.db,
    analytics: context.analytics,
  });
  return jsonResponse({ received: true, outcome });
});

export const loader = () => methodNotAllowed(["POST"]);
