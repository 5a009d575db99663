import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { createApiKeyBody } from "~/api/schemas";
import { assertWithinCallingKey, createApiKey, listApiKeys } from "~/services/api-keys.server";
import { guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { ownerOf } from "~/services/principal";

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, { scope: "keys:read" }, async ({ principal, db }) =>
    jsonResponse({ keys: await listApiKeys(db, ownerOf(principal).userId) }),
  );

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return guard(args, { scope: "keys:write", body: createApiKeyBody }, async ({ principal, body, db }) => {
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
    assertWithinCallingKey(principal, {
      scopes: body.scopes,
      expiresAt: expiresAt ?? null,
      rateLimitPerMinute: body.rateLimitPerMinute ?? null,
    });
    const { key, plaintext } = await createApiKey(
      db,
      ownerOf(principal),
      { name: body.name, scopes: body.scopes, expiresAt, rateLimitPerMinute: body.rateLimitPerMinute },
      args.context.analytics,
    );
    return jsonResponse(
      { key, secret: plaintext, warning: "Store this key now: it is shown only once." },
      { status: 201, headers: { Location: `/api/keys/${key.id}` } },
    );
  });
};
