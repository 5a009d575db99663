import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { endpointParameters, noSuchList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { type GuardOptions, guard } from "~/services/guard.server";
import { methodNotAllowed } from "~/services/http.server";
import { deleteEndpoint, findEndpoint } from "~/services/list-webhooks.server";
import { findOwnList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "lists:write" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "delete",
    path: "/api/lists/{id}/webhooks/{endpointId}",
    operationId: "deleteWebhook",
    summary: "Remove an endpoint",
    guard: options,
    pathParameters: endpointParameters,
    responses: { 204: { description: "Removed." }, 404: `${noSuchList}; no such endpoint` },
  }),
];

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "DELETE") return methodNotAllowed(["DELETE"]);
  return guard(args, options, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    await deleteEndpoint(db, await findEndpoint(db, list, args.params.endpointId));
    return new Response(null, { status: 204 });
  });
};

export const loader = () => methodNotAllowed(["DELETE"]);
