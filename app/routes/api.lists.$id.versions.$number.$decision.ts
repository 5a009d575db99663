import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed } from "~/services/http.server";
import { discardHeld, listServicesOf, publishHeld } from "~/services/list-refresh.server";
import { findOwnList, findVersion, publicVersion } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

export const decideOptions = { scope: "lists:write" } satisfies GuardOptions<unknown>;
const decision = z.enum(["publish", "discard"]);

/** `POST …/versions/{n}/publish` serves a held version anyway; `…/discard` drops it and its files. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, decideOptions, async ({ principal, db }) => {
    const chosen = decision.safeParse(args.params.decision);
    const number = z.coerce.number().int().min(1).safeParse(args.params.number);
    if (!chosen.success || !number.success) throw new ApiError(404, "No such action.");
    const list = await findOwnList(db, ownerOf(principal).userId, args.params.id);
    const version = await findVersion(db, list.id, number.data);
    const services = listServicesOf(args.context);
    if (chosen.data === "publish") await publishHeld(services, list, version);
    else await discardHeld(services, list, version);
    return jsonResponse({ version: publicVersion(await findVersion(db, list.id, number.data)) });
  });
};

export const loader = () => methodNotAllowed(["POST"]);
