import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { findEndpoint, publicEndpoint, rotateEndpointSecret } from "~/services/list-webhooks.server";
import { findOwnList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const rotateSecretOptions = { scope: "lists:write" } satisfies GuardOptions<unknown>;

/** A new signing secret, shown once; the old one stops verifying with the next delivery. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, rotateSecretOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const endpoint = await findEndpoint(db, list, args.params.endpointId);
    const rotated = await rotateEndpointSecret(db, args.context.config, endpoint);
    return jsonResponse({
      endpoint: publicEndpoint(rotated.endpoint),
      secret: rotated.secret,
      warning: "Store this signing secret now: it is shown only once.",
    });
  });
};

export const loader = () => methodNotAllowed(["POST"]);
