import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireUser } from "~/services/auth.server";
import { readCompiledList } from "~/services/compilations.server";
import { jobResultKey, ownJobOrNotFound } from "~/services/jobs.server";

/** A finished job's list as a file. */
export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const job = await ownJobOrNotFound(args.context.database.db, user.userId, args.params.id);
  const list =
    job.status === "succeeded"
      ? await readCompiledList(args.context.cloudflare.env.COMPILE_CACHE, jobResultKey(job.id))
      : null;
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
