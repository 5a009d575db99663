import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { OUTPUT_FORMATS } from "~/compiler/formats/report";
import { Card, formatDate, StatusBadge } from "~/components/ui";
import { requireUser } from "~/services/auth.server";
import { jobResult, ownJobOrNotFound, publicJob } from "~/services/jobs.server";

export const meta: MetaFunction = () => [{ title: "Job · Bloqr" }];

const PREVIEW_LINES = 200;

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const job = await ownJobOrNotFound(args.context.database.db, user.userId, args.params.id);
  const list = await jobResult(args.context.services.compileCache, job);
  return {
    job: publicJob(job),
    preview: list?.rules.slice(0, PREVIEW_LINES) ?? null,
    lineCount: list?.rules.length ?? 0,
  };
}

export default function JobDetail() {
  const { job, preview, lineCount } = useLoaderData<typeof loader>();
  return (
    <main className="mt-8 space-y-6">
      <Link to="/dashboard/jobs" className="text-sm underline">
        ← All jobs
      </Link>
      <h1 className="font-mono text-2xl font-bold">Job {job.id.slice(0, 8)}</h1>
      <Card title="Status">
        <dl className="grid gap-3 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-slate-600 dark:text-slate-400">Status</dt>
            <dd>
              <StatusBadge status={job.status} />
            </dd>
          </div>
          <div>
            <dt className="text-slate-600 dark:text-slate-400">Kind · attempts</dt>
            <dd>
              {job.kind} · {job.attempts}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600 dark:text-slate-400">Finished</dt>
            <dd>{formatDate(job.finishedAt)}</dd>
          </div>
        </dl>
        {job.error && (
          <p
            className="mt-4 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
            data-testid="job-error"
          >
            {job.error}
          </p>
        )}
      </Card>
      {preview && (
        <Card
          title={`Result: ${job.ruleCount} rules`}
          actions={
            // a GET form: the download route converts the stored list, with or without JavaScript
            <form
              method="get"
              action={`/dashboard/jobs/${job.id}/download`}
              className="flex items-center gap-2 text-sm"
            >
              <label className="flex items-center gap-1">
                Format
                <select
                  name="outputFormat"
                  defaultValue="adblock"
                  className="rounded border border-slate-300 bg-transparent px-1 py-0.5 dark:border-slate-700"
                  data-testid="job-download-format"
                >
                  {OUTPUT_FORMATS.map((format) => (
                    <option key={format} value={format}>
                      {format}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="underline" data-testid="job-download">
                Download
              </button>
            </form>
          }
        >
          <pre className="max-h-[32rem] overflow-auto rounded-lg bg-slate-950 p-4 text-xs text-slate-100">
            {preview.join("\n")}
            {lineCount > preview.length ? `\n… ${lineCount - preview.length} more lines in the download` : ""}
          </pre>
        </Card>
      )}
      {job.status === "succeeded" && !preview && <p>The result has expired (results are kept for 7 days).</p>}
    </main>
  );
}
