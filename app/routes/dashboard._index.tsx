import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { CompileChart } from "~/components/dashboard/compile-chart";
import { Card, formatDate, StatusBadge } from "~/components/ui";
import { requireUser } from "~/services/auth.server";
import { publicJob } from "~/services/jobs.server";
import { compilesPerDay, currentWindowUsage, recentJobs } from "~/services/usage.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Bloqr" }];

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const { db } = args.context.database;
  const [usage, days, jobs] = await Promise.all([
    currentWindowUsage(args.context.services.limiter, user),
    compilesPerDay(db, user.userId),
    recentJobs(db, user.userId),
  ]);
  return { email: user.email, tier: user.tier, role: user.role, usage, days, jobs: jobs.map(publicJob) };
}

export default function Overview() {
  const { email, tier, role, usage, days, jobs } = useLoaderData<typeof loader>();
  return (
    <main className="mt-8 space-y-6">
      <h1 className="text-3xl font-bold">Dashboard</h1>
      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {[
          ["Signed in as", email ?? "(no email)", "account-signed-in-as"],
          ["Tier", tier, "account-tier"],
          ["Role", role, "account-role"],
          [
            "Requests this minute",
            usage.limit === null ? "unlimited" : `${usage.used ?? "?"} of ${usage.limit}`,
            "account-usage",
          ],
        ].map(([label, value, testId]) => (
          <div
            key={label}
            className="rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
          >
            <dt className="text-sm text-slate-600 dark:text-slate-400">{label}</dt>
            <dd className="mt-1 break-all text-lg font-semibold" data-testid={testId}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <Card title="Compiles, last 30 days">
        <CompileChart days={days} />
      </Card>
      <Card
        title="Recent jobs"
        actions={
          <Link to="/dashboard/jobs" className="text-sm font-medium text-brand-700 underline dark:text-brand-400">
            All jobs
          </Link>
        }
      >
        {jobs.length === 0 ? (
          <p className="text-slate-600 dark:text-slate-400">
            No compiles yet. <Link to="/dashboard/compile">Try the playground</Link> or{" "}
            <Link to="/dashboard/keys">create an API key</Link>.
          </p>
        ) : (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="recent-jobs">
            {jobs.map((job) => (
              <li key={job.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <Link to={`/dashboard/jobs/${job.id}`} className="font-mono underline">
                  {job.kind} · {job.id.slice(0, 8)}
                </Link>
                <span className="text-slate-600 dark:text-slate-400">{formatDate(job.createdAt)}</span>
                <span>{job.ruleCount ?? "—"} rules</span>
                <StatusBadge status={job.status} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <nav aria-label="Quick links" className="flex flex-wrap gap-3 text-sm">
        <Link to="/dashboard/keys" className="underline">
          Manage API keys
        </Link>
        <Link to="/dashboard/compile" className="underline">
          Compile playground
        </Link>
        <Link to="/docs" className="underline">
          API docs
        </Link>
      </nav>
    </main>
  );
}
