import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { oneList, publishedList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { createListBody } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed } from "~/services/http.server";
import { createList, LIST_LIMITS, listOwnLists, publicList } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const listOptions = { scope: "lists:read" } satisfies GuardOptions<unknown>;
const createOptions = { scope: "lists:write", body: createListBody } satisfies GuardOptions<unknown>;

const { free, pro } = LIST_LIMITS;
const tierLimits =
  `free ${free.lists} lists refreshed at most every ${free.minRefreshMinutes} minutes, ` +
  `pro ${pro.lists} at most every ${pro.minRefreshMinutes} minutes, admin unlimited`;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/lists",
    operationId: "listLists",
    summary: "Your published lists",
    guard: listOptions,
    responses: { 200: { description: "Every list you publish.", json: z.object({ lists: z.array(publishedList) }) } },
  }),
  defineOperation({
    method: "post",
    path: "/api/lists",
    operationId: "createList",
    summary: "Publish a configuration as a list",
    description: `Tier limits: ${tierLimits}. The first version comes with the next cron run or a refresh.`,
    guard: createOptions,
    responses: {
      201: {
        description: "Published; `Location` is the list's URL.",
        json: oneList,
        headers: { Location: { description: "The new list's URL.", schema: { type: "string" } } },
      },
      400: "`invalid_configuration` (the message names the source), or a public list without a `slug`",
      403: `\`tier_limit\`: over the tier's list count or under its refresh interval (${tierLimits})`,
      409: "`slug_taken`: another public list has this slug",
    },
  }),
];

export const loader = (args: LoaderFunctionArgs) =>
  guard(args, listOptions, async ({ principal, db }) => {
    const rows = await listOwnLists(db, ownerOf(principal).userId);
    const origin = new URL(args.request.url).origin;
    return jsonResponse({ lists: rows.map((row) => publicList(row.list, row.version, origin)) });
  });

export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return guard(args, createOptions, async ({ principal, body, db }) => {
    const list = await createList(db, ownerOf(principal), body, args.context.config.SOURCE_ALLOW_PRIVATE_HOSTS);
    return jsonResponse(
      { list: publicList(list, null, new URL(args.request.url).origin) },
      { status: 201, headers: { Location: `/api/lists/${list.id}` } },
    );
  });
};
