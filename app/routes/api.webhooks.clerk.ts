import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { jsonResponse, methodNotAllowed, publicEndpoint } from "~/services/http.server";
import { receiveClerkWebhook } from "~/services/webhooks.server";

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
