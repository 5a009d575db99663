import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { jsonError, jsonResponse } from "~/services/http.server";
import { receiveClerkWebhook, WebhookRejection } from "~/services/webhooks.server";

const methodNotAllowed = () =>
  jsonError(405, "Clerk webhooks are delivered with POST.", { headers: { Allow: "POST" } });

/** Clerk's user sync, verified by its Svix signature: no session, no rate limit, no Turnstile. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  try {
    const { outcome } = await receiveClerkWebhook(request, {
      secret: context.config.CLERK_WEBHOOK_SECRET,
      db: context.database.db,
    });
    return jsonResponse({ received: true, outcome });
  } catch (error) {
    if (error instanceof WebhookRejection) return jsonError(error.status, error.message);
    throw error;
  }
}

export const loader = methodNotAllowed;
