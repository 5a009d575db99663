import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { listParameter, noSuchList, oneList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { updateListBody } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { listServicesOf } from "~/services/list-refresh.server";
import { currentVersion, deleteList, findOwnList, publicList, updateList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const readOptions = { scope: "lists:read" } satisfies GuardOptions<unknown>;
const updateOptions = { scope: "lists:write", body: updateListBody } satisfies GuardOptions<unknown>;
const deleteOptions = { scope: "lists:write" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/lists/{id}",
    operationId: "getList",
    summary: "One list, with its current version",
    guard: readOptions,
    pathParameters: listParameter,
    responses: { 200: { description: "The list.", json: oneList }, 404: noSuchList },
  }),
  defineOperation({
    method: "patch",
    path: "/api/lists/{id}",
    operationId: "updateList",
    summary: "Change a list",
    description: "A new configuration or format set is compiled at the next run.",
    guard: updateOptions,
    pathParameters: listParameter,
    responses: {
      200: { description: "Changed.", json: oneList },
      400: "`invalid_configuration` (the message names the source), or nothing to change",
      403: "`tier_limit`: a refresh interval under the tier's minimum",
      404: noSuchList,
    },
  }),
  defineOperation({
    method: "delete",
    path: "/api/lists/{id}",
    operationId: "deleteList",
    summary: "Delete a list, its versions and files; its URLs answer 404",
    guard: deleteOptions,
    pathParameters: listParameter,
    responses: { 204: { description: "Deleted." }, 404: noSuchList },
  }),
];

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, readOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    return jsonResponse({ list: publicList(list, await currentVersion(db, list), new URL(args.request.url).origin) });
  });

export const action = (args: ActionFunctionArgs) => {
  switch (args.request.method) {
    case "PATCH":
      return guard(args, updateOptions, async ({ principal, body, db }) => {
        const owner = ownerOf(principal);
        const list = await findOwnList(db, owner.userId, args.params.id);
        const updated = await updateList(db, owner, list, body, args.context.config.SOURCE_ALLOW_PRIVATE_HOSTS);
        return jsonResponse({
          list: publicList(updated, await currentVersion(db, updated), new URL(args.request.url).origin),
        });
      });
    case "DELETE":
      return guard(args, deleteOptions, async ({ principal, db }) => {
        const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
        const { bucket, index } = listServicesOf(args.context);
        await deleteList(db, { bucket, index }, list);
        return new Response(null, { status: 204 });
      });
    default:
      return methodNotAllowed(["GET", "PATCH", "DELETE"]);
  }
};
