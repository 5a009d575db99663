import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { apiKey } from "~/api/responses";
import { updateApiKeyBody } from "~/api/schemas";
import { assertWithinCallingKey, revokeApiKey, updateApiKey } from "~/services/api-keys.server";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed } from "~/services/http.server";
import { ownerOf } from "~/services/principal";

/** A malformed id names no key: the same 404 as someone else's. */
function keyId(params: ActionFunctionArgs["params"]): string {
  const parsed = z.uuid().safeParse(params.id);
  if (!parsed.success) throw new ApiError(404, "No such API key.");
  return parsed.data;
}

const updateOptions = { scope: "keys:write", body: updateApiKeyBody } satisfies GuardOptions<unknown>;
const revokeOptions = { scope: "keys:write" } satisfies GuardOptions<unknown>;
const keyParameter = { id: "The key's id." };
const oneKey = z.object({ key: apiKey });
const noSuchKey = "no such API key (also for other users' keys)";

export const operations = [
  defineOperation({
    method: "patch",
    path: "/api/keys/{id}",
    operationId: "updateApiKey",
    summary: "Rename a key or change its limit",
    description:
      "Called with an API key, `rateLimitPerMinute` may only be set to at most the caller's own limit (a key can lower " +
      "its own limit, never lift it).",
    guard: updateOptions,
    pathParameters: keyParameter,
    responses: {
      200: { description: "Updated.", json: oneKey },
      400: "`rateLimitPerMinute` above the tier's cap",
      403: "`exceeds_calling_key`: above the calling key's own limit",
      404: noSuchKey,
    },
  }),
  defineOperation({
    method: "delete",
    path: "/api/keys/{id}",
    operationId: "revokeApiKey",
    summary: "Revoke a key",
    guard: revokeOptions,
    pathParameters: keyParameter,
    responses: { 200: { description: "Revoked.", json: oneKey }, 404: noSuchKey },
  }),
];

const KEY_METHODS = ["PATCH", "DELETE"];

export const action = (args: ActionFunctionArgs) => {
  switch (args.request.method) {
    case "PATCH":
      return guard(args, updateOptions, async ({ principal, body, db }) => {
        assertWithinCallingKey(principal, { rateLimitPerMinute: body.rateLimitPerMinute });
        return jsonResponse({
          key: await updateApiKey(db, ownerOf(principal), keyId(args.params), body, args.context.analytics),
        });
      });
    case "DELETE":
      return guard(args, revokeOptions, async ({ principal, db }) =>
        jsonResponse({
          key: await revokeApiKey(db, ownerOf(principal).userId, keyId(args.params), args.context.analytics),
        }),
      );
    default:
      return methodNotAllowed(KEY_METHODS);
  }
};

export const loader = () => methodNotAllowed(KEY_METHODS);
