import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { ApiError, jsonError, jsonResponse } from "~/services/http.server";
import { receiveClerkWebhook } from "~/services/webhooks.server";

const methodNotAllowed = () =>
  jsonError(405, "Clerk webhooks are delivered with POST.", { headers: { Allow: "POST" } });

/** Clerk's user sync, verified by its Svix signature: no session, no rate limit, no Turnstile. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  try {
    const { outcome } = await receiveClerkWebhook(request, {
      secret: context.config.CLERK_WEBHOOK_SECRET,
      db: context.database.db,
      analytics: context.analytics,
    });
    return jsonResponse({ received: true, outcome });
  } catch (error) {
    // A refused delivery stores nothing; Svix retries any non-2xx answer.
    if (error instanceof ApiError) return error.toResponse();
    throw error;
  }
}

export const loader = methodNotAllowed;
