import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { createWebhookBody } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import {
  createEndpoint,
  listDeliveries,
  listEndpoints,
  publicDelivery,
  publicEndpoint,
} from "~/services/list-webhooks.server";
import { findOwnList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const listWebhooksOptions = { scope: "lists:read" } satisfies GuardOptions<unknown>;
export const createWebhookOptions = { scope: "lists:write", body: createWebhookBody } satisfies GuardOptions<unknown>;

/** The list's endpoints and its delivery log (newest first). */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, listWebhooksOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const [endpoints, deliveries] = await Promise.all([listEndpoints(db, list.id), listDeliveries(db, list.id)]);
    return jsonResponse({ endpoints: endpoints.map(publicEndpoint), deliveries: deliveries.map(publicDelivery) });
  });

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return guard(args, createWebhookOptions, async ({ principal, body, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const { endpoint, secret } = await createEndpoint(db, args.context.config, list, body.url);
    return jsonResponse(
      { endpoint: publicEndpoint(endpoint), secret, warning: "Store this signing secret now: it is shown only once." },
      { status: 201 },
    );
  });
};
