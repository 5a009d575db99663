import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { createListBody } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { createList, listOwnLists, publicList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const listListsOptions = { scope: "lists:read" } satisfies GuardOptions<unknown>;
export const createListOptions = { scope: "lists:write", body: createListBody } satisfies GuardOptions<unknown>;

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, listListsOptions, async ({ principal, db }) => {
    const rows = await listOwnLists(db, ownerOf(principal).userId);
    const origin = new URL(args.request.url).origin;
    return jsonResponse({ lists: rows.map((row) => publicList(row.list, row.version, origin)) });
  });

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return guard(args, createListOptions, async ({ principal, body, db }) => {
    const list = await createList(db, ownerOf(principal), body, args.context.config.SOURCE_ALLOW_PRIVATE_HOSTS);
    return jsonResponse(
      { list: publicList(list, null, new URL(args.request.url).origin) },
      { status: 201, headers: { Location: `/api/lists/${list.id}` } },
    );
  });
};
