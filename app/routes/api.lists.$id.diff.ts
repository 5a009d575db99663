import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { listDiffQuery } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { diffVersions, listServicesOf } from "~/services/list-refresh.server";
import { findOwnList, findVersion } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const diffOptions = { scope: "lists:read" } satisfies GuardOptions<unknown>;

/** Rules added and removed between two versions, paged (lists have 10⁵–10⁶ rules). */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, diffOptions, async ({ principal, db }) => {
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const query = parseQuery(args.request, listDiffQuery);
    const [from, to] = await Promise.all([findVersion(db, list.id, query.from), findVersion(db, list.id, query.to)]);
    return jsonResponse(await diffVersions(listServicesOf(args.context).bucket, from, to, query));
  });

export const action = () => methodNotAllowed(["GET"]);
