import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { createApiKeyBody } from "~/api/schemas";
import { createApiKey, listApiKeys } from "~/services/api-keys.server";
import { guard } from "~/services/guard.server";
import { ApiError, jsonResponse } from "~/services/http.server";
import { ownerOf } from "~/services/principal";

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, { scope: "keys:read" }, async ({ principal, db }) =>
    jsonResponse({ keys: await listApiKeys(db, ownerOf(principal).userId) }),
  );

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") throw new Response(null, { status: 405 });
  return guard(args, { scope: "keys:write", body: createApiKeyBody }, async ({ principal, body, db }) => {
    // A key may mint keys, but never one that can do more than itself.
    const beyond = body.scopes.filter((scope) => !principal.scopes.includes(scope));
    if (beyond.length > 0)
      throw new ApiError(403, `This API key cannot grant ${beyond.join(", ")}.`, { code: "insufficient_scope" });
    const { key, plaintext } = await createApiKey(
      db,
      ownerOf(principal),
      {
        name: body.name,
        scopes: body.scopes,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
        rateLimitPerMinute: body.rateLimitPerMinute,
      },
      args.context.analytics,
    );
    return jsonResponse(
      { key, secret: plaintext, warning: "Store this key now: it is shown only once." },
      { status: 201, headers: { Location: `/api/keys/${key.id}` } },
    );
  });
};
