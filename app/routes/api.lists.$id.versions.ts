import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { listParameter, listVersion, noSuchList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { listVersionsQuery } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { findOwnList, listVersionsOf, publicVersion } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "lists:read" } satisfies GuardOptions<unknown>;

export const operations = [
  defineOperation({
    method: "get",
    path: "/api/lists/{id}/versions",
    operationId: "listListVersions",
    summary: "Versions, newest first",
    guard: options,
    pathParameters: listParameter,
    query: listVersionsQuery,
    responses: {
      200: {
        description: "A page of versions; `nextBefore` fetches the next one (null: no more).",
        json: z.object({
          versions: z.array(listVersion),
          currentVersionId: z.string().nullable(),
          nextBefore: z.number().int().nullable(),
        }),
      },
      400: "`invalid_query`",
      404: noSuchList,
    },
  }),
];

/** Newest first; `before` pages back through the history. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, options, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const query = parseQuery(args.request, listVersionsQuery);
    const { versions, nextBefore } = await listVersionsOf(db, list.id, query);
    return jsonResponse({
      versions: versions.map(publicVersion),
      currentVersionId: list.currentVersionId,
      nextBefore,
    });
  });

export const action = () => methodNotAllowed(["GET"]);
