import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { endpointParameters, endpointWithSecret, noSuchList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { endpointSecretBody, findEndpoint, rotateEndpointSecret } from "~/services/list-webhooks.server";
import { findOwnList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "lists:write" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/lists/{id}/webhooks/{endpointId}/rotate-secret",
    operationId: "rotateWebhookSecret",
    summary: "A new signing secret, shown once",
    description: "The old secret stops verifying with the next delivery.",
    guard: options,
    pathParameters: endpointParameters,
    responses: {
      200: { description: "The endpoint with its new secret.", json: endpointWithSecret },
      404: `${noSuchList}; no such endpoint`,
    },
  }),
];

/** A new signing secret, shown once; the old one stops verifying with the next delivery. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const endpoint = await findEndpoint(db, list, args.params.endpointId);
    const rotated = await rotateEndpointSecret(db, args.context.config, endpoint);
    return jsonResponse(endpointSecretBody(rotated.endpoint, rotated.secret));
  });
};

export const loader = () => methodNotAllowed(["POST"]);
