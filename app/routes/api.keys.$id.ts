import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { updateApiKeyBody } from "~/api/schemas";
import { assertWithinCallingKey, revokeApiKey, updateApiKey } from "~/services/api-keys.server";
import { guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed } from "~/services/http.server";
import { ownerOf } from "~/services/principal";

/** A malformed id names no key: the same 404 as someone else's. */
function keyId(params: ActionFunctionArgs["params"]): string {
  const parsed = z.uuid().safeParse(params.id);
  if (!parsed.success) throw new ApiError(404, "No such API key.");
  return parsed.data;
}

const KEY_METHODS = ["PATCH", "DELETE"];

export const action = (args: ActionFunctionArgs) => {
  switch (args.request.method) {
    case "PATCH":
      return guard(args, { scope: "keys:write", body: updateApiKeyBody }, async ({ principal, body, db }) => {
        assertWithinCallingKey(principal, { rateLimitPerMinute: body.rateLimitPerMinute });
        return jsonResponse({
          key: await updateApiKey(db, ownerOf(principal), keyId(args.params), body, args.context.analytics),
        });
      });
    case "DELETE":
      return guard(args, { scope: "keys:write" }, async ({ principal, db }) =>
        jsonResponse({
          key: await revokeApiKey(db, ownerOf(principal).userId, keyId(args.params), args.context.analytics),
        }),
      );
    default:
      return methodNotAllowed(KEY_METHODS);
  }
};

export const loader = () => methodNotAllowed(KEY_METHODS);
