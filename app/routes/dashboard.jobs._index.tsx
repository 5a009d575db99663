import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";
import { Card, formatDate, StatusBadge } from "~/components/ui";
import { requireUser } from "~/services/auth.server";
import { ApiError } from "~/services/http.server";
import { listOwnJobs, publicJob } from "~/services/jobs.server";

export const meta: MetaFunction = () => [{ title: "Jobs · Bloqr" }];

const PAGE_SIZE = 20;
// Often enough that a finished job shows up promptly, rarely enough to be no load.
const REFRESH_MS = 2_000;

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const cursor = z
    .string()
    .max(200)
    .optional()
    .catch(undefined)
    .parse(new URL(args.request.url).searchParams.get("cursor") ?? undefined);
  try {
    const page = await listOwnJobs(args.context.database.db, user.userId, { limit: PAGE_SIZE, cursor });
    return { jobs: page.jobs.map(publicJob), nextCursor: page.nextCursor };
  } catch (error) {
    if (error instanceof ApiError) throw new Response("Bad cursor", { status: 400 });
    throw error;
  }
}

export default function Jobs() {
  const { jobs, nextCursor } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const revalidator = useRevalidator();
  const pending = jobs.some((job) => job.status === "queued" || job.status === "running");

  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [pending, revalidator]);

  return (
    <main className="mt-8 space-y-6">
      <h1 className="text-3xl font-bold">Jobs</h1>
      <Card
        title="Your compiles"
        actions={pending ? <span className="text-sm">Refreshing while jobs run…</span> : null}
      >
        {jobs.length === 0 ? (
          <p className="text-slate-600 dark:text-slate-400">
            No compiles yet. <Link to="/dashboard/compile">Open the playground</Link>.
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="jobs-table">
              <thead>
                <tr className="border-b border-slate-200 dark:border-slate-800">
                  <th className="py-2 pr-4">Job</th>
                  <th className="py-2 pr-4">Kind</th>
                  <th className="py-2 pr-4">Status</th>
                  <th className="py-2 pr-4">Created</th>
                  <th className="py-2 pr-4">Duration</th>
                  <th className="py-2">Rules</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((job) => (
                  <tr key={job.id} className="border-b border-slate-100 dark:border-slate-800" data-job-id={job.id}>
                    <td className="py-2 pr-4 font-mono">
                      <Link to={`/dashboard/jobs/${job.id}`} className="underline">
                        {job.id.slice(0, 8)}
                      </Link>
                    </td>
                    <td className="py-2 pr-4">{job.kind}</td>
                    <td className="py-2 pr-4">
                      <StatusBadge status={job.status} />
                    </td>
                    <td className="py-2 pr-4">{formatDate(job.createdAt)}</td>
                    <td className="py-2 pr-4">{job.durationMs === null ? "—" : `${job.durationMs} ms`}</td>
                    <td className="py-2">{job.ruleCount ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="mt-4 flex gap-4 text-sm">
          {searchParams.get("cursor") && (
            <Link to="/dashboard/jobs" className="underline">
              Newest
            </Link>
          )}
          {nextCursor && (
            <Link to={`/dashboard/jobs?cursor=${encodeURIComponent(nextCursor)}`} className="underline">
              Older
            </Link>
          )}
        </div>
      </Card>
    </main>
  );
}
