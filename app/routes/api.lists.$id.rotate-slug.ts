import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { listParameter, noSuchList, oneList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { listServicesOf } from "~/services/list-refresh.server";
import { currentVersion, findOwnList, publicList, rotateSlug } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "lists:write" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/lists/{id}/rotate-slug",
    operationId: "rotateListSlug",
    summary: "A new secret URL for an unlisted list",
    description: "The old URL answers 404 from now on.",
    guard: options,
    pathParameters: listParameter,
    responses: {
      200: { description: "The list with its new URLs.", json: oneList },
      404: noSuchList,
      409: "`not_unlisted`: a public list keeps its chosen slug",
    },
  }),
];

/** A new capability URL for an unlisted list; the old one answers 404 from now on. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const rotated = await rotateSlug(db, listServicesOf(args.context).index, list);
    return jsonResponse({
      list: publicList(rotated, await currentVersion(db, rotated), new URL(args.request.url).origin),
    });
  });
};

export const loader = () => methodNotAllowed(["POST"]);
