import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { updateListBody } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { listServicesOf } from "~/services/list-refresh.server";
import { currentVersion, deleteList, findOwnList, publicList, updateList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const readListOptions = { scope: "lists:read" } satisfies GuardOptions<unknown>;
export const updateListOptions = { scope: "lists:write", body: updateListBody } satisfies GuardOptions<unknown>;
export const deleteListOptions = { scope: "lists:write" } satisfies GuardOptions<unknown>;

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, readListOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    return jsonResponse({ list: publicList(list, await currentVersion(db, list), new URL(args.request.url).origin) });
  });

export const action = (args: ActionFunctionArgs) => {
  switch (args.request.method) {
    case "PATCH":
      return guard(args, updateListOptions, async ({ principal, body, db }) => {
        const owner = ownerOf(principal);
        const list = await findOwnList(db, owner.userId, args.params.id);
        const updated = await updateList(db, owner, list, body, args.context.config.SOURCE_ALLOW_PRIVATE_HOSTS);
        return jsonResponse({
          list: publicList(updated, await currentVersion(db, updated), new URL(args.request.url).origin),
        });
      });
    case "DELETE":
      return guard(args, deleteListOptions, async ({ principal, db }) => {
        const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
        const { bucket, index } = listServicesOf(args.context);
        await deleteList(db, { bucket, index }, list);
        return new Response(null, { status: 204 });
      });
    default:
      return methodNotAllowed(["GET", "PATCH", "DELETE"]);
  }
};
