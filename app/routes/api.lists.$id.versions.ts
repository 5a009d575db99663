import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { listVersionsQuery } from "~/api/schemas";
import { type GuardOptions, guard } from "~/services/guard.server";
import { jsonResponse, methodNotAllowed, parseQuery } from "~/services/http.server";
import { findOwnList, listVersionsOf, publicVersion } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const listVersionsOptions = { scope: "lists:read" } satisfies GuardOptions<unknown>;

/** Newest first; `before` pages back through the history. */
export const loader = (args: LoaderFunctionArgs) =>
  guard(args, listVersionsOptions, async ({ principal, db }) => {
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
