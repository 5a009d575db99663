import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { listParameter, listVersion, noSuchList } from "~/api/list-responses";
import { defineOperation } from "~/api/operation";
import { type GuardOptions, guard } from "~/services/guard.server";
import { ApiError, jsonResponse, methodNotAllowed } from "~/services/http.server";
import { discardHeld, listServicesOf, publishHeld } from "~/services/list-refresh.server";
import { findOwnList, findVersion, publicVersion } from "~/services/lists.server";
import { ownerOf } from "~/services/principal";

const options = { scope: "lists:write" } satisfies GuardOptions<unknown>;
const decision = z.enum(["publish", "discard"]);

export const operations = [
  defineOperation({
    method: "post",
    path: "/api/lists/{id}/versions/{number}/{decision}",
    operationId: "decideHeldVersion",
    summary: "Publish a held version anyway, or discard it",
    description: "`publish` serves the held version; `discard` drops it and its files.",
    guard: options,
    pathParameters: {
      ...listParameter,
      number: "The version's number (from 1).",
      decision: `One of ${decision.options.map((option) => `\`${option}\``).join(", ")}.`,
    },
    responses: {
      200: { description: "The version after the decision.", json: z.object({ version: listVersion }) },
      404: `${noSuchList}; no such version or decision`,
      409: "`not_held`: the version is not held",
    },
  }),
];

/** `POST …/versions/{n}/publish` serves a held version anyway; `…/discard` drops it and its files. */
export const action = (args: ActionFunctionArgs) => {
  if (args.request.method !== "POST") return methodNotAllowed(["POST"]);
  return guard(args, options, async ({ principal, db }) => {
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
