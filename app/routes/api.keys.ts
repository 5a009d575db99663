import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { defineOperation } from "~/api/operation";
import { apiKey } from "~/api/responses";
import { createApiKeyBody } from "~/api/schemas";
import {
  assertWithinCallingKey,
  createApiKey,
  listApiKeys,
  MAX_ACTIVE_KEYS_PER_USER,
} from "~/services/api-keys.server";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { ownerOf } from "~/services/principal";

const listOptions = { scope: "keys:read" } satisfies GuardOptions<unknown>;
const createOptions = { scope: "keys:write", body: createApiKeyBody } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/keys",
    operationId: "listApiKeys",
    summary: "List your API keys (never the secrets)",
    guard: listOptions,
    responses: { 200: { description: "Your keys.", json: z.object({ keys: z.array(apiKey) }) } },
  }),
  defineOperation({
    method: "post",
    path: "/api/keys",
    operationId: "createApiKey",
    summary: "Create an API key; the secret is in this response only",
    description:
      "Called with an API key, the new key may not exceed the caller: scopes within its own, `expiresAt` no later and " +
      "`rateLimitPerMinute` no higher (both required when the caller has them).",
    guard: createOptions,
    responses: {
      201: {
        description: "Created.",
        json: z.object({ key: apiKey, secret: z.string().describe("The key itself (`bqk_…`)."), warning: z.string() }),
        headers: { Location: { description: "The new key's URL.", schema: { type: "string" } } },
      },
      400: "`rateLimitPerMinute` above the tier's cap, or `expiresAt` not in the future",
      403: "`insufficient_scope` / `exceeds_calling_key`: more than the calling key holds",
      409: `${MAX_ACTIVE_KEYS_PER_USER} active keys already; revoke one first`,
    },
  }),
];

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, listOptions, async ({ principal, db }) =>
    jsonResponse({ keys: await listApiKeys(db, ownerOf(principal).userId) }),
  );

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return guard(args, createOptions, async ({ principal, body, db }) => {
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
