import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { listServicesOf, requestRefresh } from "~/services/list-refresh.server";
import { findOwnList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const refreshOptions = { scope: "lists:write" } satisfies GuardOptions<unknown>;

/** "Refresh now": queued at high priority; once a minute per list. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, refreshOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    await requestRefresh(listServicesOf(args.context), list);
    return jsonResponse({ status: "queued" }, { status: 202 });
  });
};

export const loader = () => methodNotAllowed(["POST"]);
