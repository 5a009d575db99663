import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { outputFormatQuery } from "~/api/schemas";
import { listFileName } from "~/compiler";
import { requireUser } from "~/services/auth.server";
import { inOutputFormat } from "~/services/compilations.server";
import { textStream } from "~/services/compression.server";
import { jobResult, jobResultHeader, jobResultText, ownJobOrNotFound } from "~/services/jobs.server";

/**
 * A finished job's list as a file, in `?outputFormat=` (adblock by default). The adblock list
 * streams from storage as it is; the ETag is the stored list's hash (and the format), so a
 * client that still has the file gets a 304 without the list being read.
 */
export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const query = outputFormatQuery.safeParse(Object.fromEntries(new URL(args.request.url).searchParams));
  if (!query.success) throw new Response("Unknown output format", { status: 400 });
  const format = query.data.outputFormat ?? "adblock";
  const job = await ownJobOrNotFound(args.context.database.db, user.userId, args.params.id);
  const stores = args.context.services.results;
  const header = await jobResultHeader(stores, job);
  if (!header) throw new Response("No result", { status: 404 });
  const etag = `"${header.etag}-${format}"`;
  const headers = {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Disposition": `attachment; filename="${listFileName(job.name ?? "list", format, header.compiledAt)}"`,
    // Never kept by a browser or a shared cache (the list is its owner's); a client that keeps
    // the file itself revalidates with If-None-Match.
    "Cache-Control": "private, no-store",
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
  };
  if (ifNoneMatch(args.request, etag)) return new Response(null, { status: 304, headers });
  if (format === "adblock") {
    const stored = await jobResultText(stores, job);
    if (!stored) throw new Response("No result", { status: 404 });
    return new Response(stored.body, { headers });
  }
  // Another format is converted from the whole list.
  const stored = await jobResult(stores, job);
  if (!stored) throw new Response("No result", { status: 404 });
  return new Response(textStream(inOutputFormat(stored, format).text), { headers });
}

function ifNoneMatch(request: Request, etag: string): boolean {
  const given = request.headers.get("If-None-Match");
  if (!given) return false;
  return given.trim() === "*" || given.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
