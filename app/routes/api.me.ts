import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { jsonError, jsonResponse } from "~/services/http.server";
import { AuthenticationError, identify } from "~/services/identity.server";

/** Who the API thinks you are: useful to check a token or key. */
export async function loader(args: LoaderFunctionArgs) {
  try {
    const { kind, tier, role, email, clerkUserId } = await identify(args);
    return jsonResponse({ kind, tier, role, email: email ?? null, clerkUserId: clerkUserId ?? null });
  } catch (error) {
    if (error instanceof AuthenticationError) return jsonError(401, error.message);
    throw error;
  }
}
