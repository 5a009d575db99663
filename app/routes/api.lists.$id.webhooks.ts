import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { endpointWithSecret, listParameter, noSuchList, webhookDelivery, webhookEndpoint } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { createWebhookBody } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import {
  createEndpoint,
  endpointSecretBody,
  listDeliveries,
  listEndpoints,
  MAX_ENDPOINTS_PER_LIST,
  publicDelivery,
  publicEndpoint,
} from "~/services/list-webhooks.server";
import { findOwnList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const listOptions = { scope: "lists:read" } satisfies GuardOptions<unknown>;
const createOptions = { scope: "lists:write", body: createWebhookBody } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/lists/{id}/webhooks",
    operationId: "listWebhooks",
    summary: "Webhook endpoints and the delivery log",
    guard: listOptions,
    pathParameters: listParameter,
    responses: {
      200: {
        description: "The list's endpoints and its deliveries, newest first.",
        json: z.object({ endpoints: z.array(webhookEndpoint), deliveries: z.array(webhookDelivery) }),
      },
      404: noSuchList,
    },
  }),
  defineOperation({
    method: "post",
    path: "/api/lists/{id}/webhooks",
    operationId: "createWebhook",
    summary: "Add an HTTPS endpoint for list.updated / list.held / list.failed",
    description: "Deliveries carry Standard Webhooks signatures made with the secret this answer shows once.",
    guard: createOptions,
    pathParameters: listParameter,
    responses: {
      201: { description: "Added, with its signing secret.", json: endpointWithSecret },
      400: "`invalid_url`: not https, or an address sources may not use",
      403: `\`too_many_endpoints\`: a list has at most ${MAX_ENDPOINTS_PER_LIST} endpoints`,
      404: noSuchList,
    },
  }),
];

/** The list's endpoints and its delivery log (newest first). */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, listOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const [endpoints, deliveries] = await Promise.all([listEndpoints(db, list.id), listDeliveries(db, list.id)]);
    return jsonResponse({ endpoints: endpoints.map(publicEndpoint), deliveries: deliveries.map(publicDelivery) });
  });

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return guard(args, createOptions, async ({ principal, body, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const { endpoint, secret } = await createEndpoint(db, args.context.config, list, body.url);
    return jsonResponse(endpointSecretBody(endpoint, secret), { status: 201 });
  });
};
