import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireUser } from "~/services/auth.server";
import { jobResult, ownJobOrNotFound } from "~/services/jobs.server";

/** A finished job's list as a file. */
export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const job = await ownJobOrNotFound(args.context.database.db, user.userId, args.params.id);
  const list = await jobResult(args.context.cloudflare.env.COMPILE_CACHE, job);
  if (!list) throw new Response("No result", { status: 404 });
  return new Response(list.text, {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="bloqr-${job.id.slice(0, 8)}.txt"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
