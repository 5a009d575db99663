import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";
import { formatCount } from "~/components/playground/explanation";
import { Card, DataTable, formatDate, formatDuration, StatusBadge } from "~/components/ui";
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
          <DataTable
            testId="jobs-table"
            rows={jobs}
            rowKey={(job) => job.id}
            rowProps={(job) => ({ "data-job-id": job.id })}
            columns={[
              {
                header: "List",
                cell: (job) => (
                  <Link to={`/dashboard/jobs/${job.id}`} className="underline [overflow-wrap:anywhere]">
                    {job.name ?? "Unnamed list"}
                  </Link>
                ),
              },
              { header: "Job", className: "font-mono", cell: (job) => job.id.slice(0, 8) },
              { header: "Kind", cell: (job) => job.kind },
              { header: "Status", cell: (job) => <StatusBadge status={job.status} /> },
              { header: "Started", cell: (job) => formatDate(job.startedAt ?? job.createdAt) },
              { header: "Duration", cell: (job) => formatDuration(job.durationMs) },
              { header: "Rules", cell: (job) => (job.ruleCount === null ? "—" : formatCount(job.ruleCount)) },
              {
                header: "Actions",
                bare: true,
                cell: (job) =>
                  job.rerunnable && (
                    // the job page's action: it queues the copy and opens the new job's page
                    <Form method="post" action={`/dashboard/jobs/${job.id}`}>
                      <button type="submit" name="intent" value="rerun" className="text-sm underline">
                        Run again
                      </button>
                    </Form>
                  ),
              },
            ]}
          />
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
