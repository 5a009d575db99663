import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { listServicesOf } from "~/services/list-refresh.server";
import { currentVersion, findOwnList, publicList, rotateSlug } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const rotateSlugOptions = { scope: "lists:write" } satisfies GuardOptions<unknown>;

/** A new capability URL for an unlisted list; the old one answers 404 from now on. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, rotateSlugOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const rotated = await rotateSlug(db, listServicesOf(args.context).index, list);
    return jsonResponse({
      list: publicList(rotated, await currentVersion(db, rotated), new URL(args.request.url).origin),
    });
  });
};

export const loader = () => methodNotAllowed(["POST"]);
