import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { type GuardOptions, guard } from "~/services/guard.server";
import { methodNotAllowed } from "~/services/http.server";
import { deleteEndpoint, findEndpoint } from "~/services/list-webhooks.server";
import { findOwnList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const deleteWebhookOptions = { scope: "lists:write" } satisfies GuardOptions<unknown>;

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "DELETE") return methodNotAllowed(["DELETE"]);
  return guard(args, deleteWebhookOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    await deleteEndpoint(db, await findEndpoint(db, list, args.params.endpointId));
    return new Response(null, { status: 204 });
  });
};

export const loader = () => methodNotAllowed(["DELETE"]);
