import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import type { CompileMetrics, StepMetrics } from "~/compiler/events";
import { OUTPUT_FORMATS } from "~/compiler/formats/report";
import { ExplanationPane, type ExplanationResult, formatCount } from "~/components/playground/explanation";
import { Card, DataTable, formatDate, formatDuration, StatusBadge, secondaryButton } from "~/components/ui";
import { requireUser } from "~/services/auth.server";
import { readExplained } from "~/services/compilations.server";
import { readForm } from "~/services/forms.server";
import { guardPage } from "~/services/guard.server";
import { jobResultText, ownJobOrNotFound, publicJob, rerunJob } from "~/services/jobs.server";
import { previewLines } from "~/services/results.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.job.name ?? "Job"} · Jobs · Bloqr` }];

const PREVIEW_LINES = 200;

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const job = await ownJobOrNotFound(args.context.database.db, user.userId, args.params.id);
  // Only the preview's lines are read: a large list streams from R2 and the rest is never fetched.
  const list = await jobResultText(args.context.services.results, job);
  const explained =
    job.explain && job.status === "succeeded"
      ? await readExplained(args.context.services.compileCache, { jobId: job.id })
      : null;
  return {
    job: publicJob(job),
    // Jobs from before metrics were kept with them still have them in their stored list.
    metrics: job.metrics ?? list?.header.metrics ?? null,
    preview: list && (await previewLines(list.body, PREVIEW_LINES)),
    lineCount: list?.header.lineCount ?? 0,
    // The host search looks up the job by its id: only its owner gets an answer.
    explanation: explained ? ({ ...explained.explanation, id: job.id } satisfies ExplanationResult) : null,
  };
}

/** "Run again": the job's kept request as a new job, through the same rate limit as any async compile. */
export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const form = await readForm(args.request);
  if (form.get("intent") !== "rerun") return Response.json({ error: "Unknown action." }, { status: 400 });
  return guardPage(
    args,
    user,
    {
      body: () => undefined,
      onError: (error, limitHeaders) =>
        Response.json({ error: error.message }, { status: error.status, headers: limitHeaders }),
    },
    async ({ db }) => {
      const job = await ownJobOrNotFound(db, user.userId, args.params.id);
      const rerun = await rerunJob(db, args.context.services.queues, user, job.id, args.context.analytics);
      return redirect(`/dashboard/jobs/${rerun.id}`);
    },
  );
}

const stepWhere = (step: StepMetrics) => (step.scope === "source" ? `source ${(step.sourceIndex ?? 0) + 1}` : "list");

function change(step: StepMetrics) {
  const delta = step.linesAfter - step.linesBefore;
  return delta === 0 ? "±0" : `${delta > 0 ? "+" : "−"}${formatCount(Math.abs(delta))}`;
}

/** Lines per source and per step: what each did to the list, as the compile reported it. */
function JobMetrics({ metrics }: { metrics: CompileMetrics }) {
  return (
    <Card title="Metrics">
      <ul className="space-y-1 text-sm" data-testid="job-sources">
        {metrics.sources.map((source) => (
          <li key={source.sourceIndex} className="[overflow-wrap:anywhere]">
            <strong>Source {source.sourceIndex + 1}</strong> <code>{source.source}</code>:{" "}
            {formatCount(source.linesLoaded)} lines loaded, {formatCount(source.linesKept)} kept
          </li>
        ))}
        <li>
          <strong>List</strong>: {formatCount(metrics.linesLoaded)} lines loaded, {formatCount(metrics.lineCount)} lines
          written, {formatCount(metrics.ruleCount)} rules
        </li>
      </ul>
      <DataTable
        testId="job-metrics"
        className="mt-4"
        rows={metrics.steps}
        rowKey={(step) => `${stepWhere(step)}-${step.name}`}
        rowProps={(step) => ({ "data-step": step.name })}
        columns={[
          { header: "Where", cell: stepWhere },
          { header: "Step", cell: (step) => step.name },
          { header: "Lines in", cell: (step) => formatCount(step.linesBefore) },
          { header: "Lines out", cell: (step) => formatCount(step.linesAfter) },
          { header: "Change", cell: change },
        ]}
      />
    </Card>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="[overflow-wrap:anywhere]">{children}</dd>
    </div>
  );
}

export default function JobDetail() {
  const { job, metrics, preview, lineCount, explanation } = useLoaderData<typeof loader>();
  const refused = useActionData<{ error?: string }>();
  const submitting = useNavigation().state === "submitting";
  return (
    <main className="mt-8 space-y-6">
      <Link to="/dashboard/jobs" className="text-sm underline">
        ← All jobs
      </Link>
      <h1 className="text-2xl font-bold [overflow-wrap:anywhere]" data-testid="job-name">
        {job.name ?? "Unnamed list"}
      </h1>
      <p className="font-mono text-sm text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">Job {job.id}</p>
      <Card
        title="Status"
        actions={
          job.rerunnable && (
            // a plain form post: re-running works without JavaScript too
            <Form method="post">
              <button
                type="submit"
                name="intent"
                value="rerun"
                className={`${secondaryButton} text-sm`}
                disabled={submitting}
                data-testid="job-rerun"
              >
                Run again
              </button>
            </Form>
          )
        }
      >
        <dl className="grid gap-3 text-sm sm:grid-cols-3">
          <Detail label="Status">
            <StatusBadge status={job.status} />
          </Detail>
          <Detail label="Kind · attempts">
            {job.kind} · {job.attempts}
          </Detail>
          <Detail label="Started">{formatDate(job.startedAt ?? job.createdAt)}</Detail>
          <Detail label="Duration">
            <span data-testid="job-duration">{formatDuration(job.durationMs)}</span>
          </Detail>
          <Detail label="Rules">
            <span data-testid="job-rule-count">{job.ruleCount === null ? "—" : formatCount(job.ruleCount)}</span>
          </Detail>
          <Detail label="Finished">{formatDate(job.finishedAt)}</Detail>
        </dl>
        {refused?.error && (
          <p
            role="alert"
            className="mt-4 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
            data-testid="job-rerun-error"
          >
            {refused.error}
          </p>
        )}
        {job.error && (
          <p
            className="mt-4 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
            data-testid="job-error"
          >
            {job.error}
          </p>
        )}
      </Card>
      {metrics && <JobMetrics metrics={metrics} />}
      {preview && (
        <Card
          title={`Result: ${formatCount(job.ruleCount ?? 0)} rules`}
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
            {lineCount > preview.length
              ? `\n… ${formatCount(lineCount - preview.length)} more lines in the download`
              : ""}
          </pre>
        </Card>
      )}
      {job.status === "succeeded" && !preview && <p>The result has expired (results are kept for 7 days).</p>}
      {explanation && (
        <Card title="Explanation">
          <ExplanationPane explanation={explanation} />
        </Card>
      )}
    </main>
  );
}
