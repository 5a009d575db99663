import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { listDiff, listParameter, noSuchList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { listDiffQuery } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { diffVersions, listServicesOf } from "~/services/list-refresh.server";
import { findOwnList, findVersion } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "lists:read" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/lists/{id}/diff",
    operationId: "diffListVersions",
    summary: "Rules added and removed between two versions, paged",
    guard: options,
    pathParameters: listParameter,
    query: listDiffQuery,
    responses: {
      200: {
        description: "A page of the difference; `nextOffset` fetches the next one (null: no more).",
        json: listDiff,
      },
      400: "`invalid_query`",
      404: `${noSuchList}; no such version; \`version_gone\`: the files of one of the versions are no longer kept`,
    },
  }),
];

/** Rules added and removed between two versions, paged (lists have 10⁵–10⁶ rules). */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, options, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const query = parseQuery(args.request, listDiffQuery);
    const [from, to] = await Promise.all([findVersion(db, list.id, query.from), findVersion(db, list.id, query.to)]);
    return jsonResponse(await diffVersions(listServicesOf(args.context).bucket, from, to, query));
  });

export const action = () => methodNotAllowed(["GET"]);
