import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { listParameter, noSuchList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { listServicesOf, requestRefresh } from "~/services/list-refresh.server";
import { findOwnList, REFRESH_NOW_COOLDOWN_SECONDS } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "lists:write" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/lists/{id}/refresh",
    operationId: "refreshList",
    summary: "Refresh now, at high priority",
    description: `Once every ${REFRESH_NOW_COOLDOWN_SECONDS} s per list.`,
    guard: options,
    pathParameters: listParameter,
    responses: {
      202: { description: "Queued.", json: z.object({ status: z.literal("queued") }) },
      404: noSuchList,
      429: `\`refresh_too_soon\`: refreshed less than ${REFRESH_NOW_COOLDOWN_SECONDS} s ago`,
    },
  }),
];

/** "Refresh now": queued at high priority; once a minute per list. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    await requestRefresh(listServicesOf(args.context), list);
    return jsonResponse({ status: "queued" }, { status: 202 });
  });
};

export const loader = () => methodNotAllowed(["POST"]);
