import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { outputFormatQuery } from "~/api/schemas";
import { formatFileName } from "~/compiler";
import { requireUser } from "~/services/auth.server";
import { inOutputFormat } from "~/services/compilations.server";
import { jobResult, ownJobOrNotFound } from "~/services/jobs.server";

/** A finished job's list as a file, in `?outputFormat=` (adblock by default). */
export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const query = outputFormatQuery.safeParse(Object.fromEntries(new URL(args.request.url).searchParams));
  if (!query.success) throw new Response("Unknown output format", { status: 400 });
  const format = query.data.outputFormat ?? "adblock";
  const job = await ownJobOrNotFound(args.context.database.db, user.userId, args.params.id);
  const stored = await jobResult(args.context.services.compileCache, job);
  if (!stored) throw new Response("No result", { status: 404 });
  const list = inOutputFormat(stored, format);
  return new Response(list.text, {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="${formatFileName(`bloqr-${job.id.slice(0, 8)}`, format)}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
