import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConfirmForm } from "~/components/confirm-form";
import { SignOutButton } from "~/components/sign-out-button";
import {
  BreakableEmail,
  Card,
  compactInputClass,
  DataTable,
  formatDate,
  inputClass,
  primaryButton,
  SelectField,
  secondaryButton,
} from "~/components/ui";
import { ROLES, TIERS } from "~/domain";
import { requireAdmin } from "~/services/auth.server";
import { cacheStats, purgeCompileCache } from "~/services/compile-cache.server";
import { readForm, validateForm } from "~/services/forms.server";
import { ApiError } from "~/services/http.server";
import { failedJobs, retryJob } from "~/services/jobs.server";
import { findUser, searchUsers, setUserAccess } from "~/services/users.server";

export const meta: MetaFunction = () => [{ title: "Admin · Bloqr" }];

const accessForm = z.object({
  intent: z.literal("set-access"),
  userId: z.uuid(),
  tier: z.enum(TIERS),
  role: z.enum(ROLES),
  confirmed: z.literal("yes").optional(),
});
const retryForm = z.object({ intent: z.literal("retry-job"), jobId: z.uuid() });

export async function loader(args: LoaderFunctionArgs) {
  const admin = await requireAdmin(args);
  const query = (new URL(args.request.url).searchParams.get("q") ?? "").trim().slice(0, 100);
  const { db } = args.context.database;
  const [users, failed, cache] = await Promise.all([
    searchUsers(db, query),
    failedJobs(db),
    cacheStats(args.context.services.compileCache),
  ]);
  return {
    email: admin.email,
    query,
    users: users.map((user) => ({ ...user, createdAt: user.createdAt.toISOString() })),
    failed: failed.map((job) => ({ ...job, finishedAt: job.finishedAt?.toISOString() ?? null })),
    cache,
  };
}

/** A change that asks first: the page shows the question with a form that sends it again, confirmed. */
interface Confirmation {
  question: string;
  fields: Record<string, string>;
  button: string;
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireAdmin(args);
  const form = await readForm(args.request);
  const confirmed = form.get("confirmed") === "yes";
  const ask = (confirm: Confirmation) => ({ confirm, ok: true as boolean, message: "" });
  const { db } = args.context.database;
  try {
    switch (form.get("intent")) {
      case "set-access": {
        const parsed = validateForm(form, accessForm);
        if (!parsed.ok) return { message: Object.values(parsed.errors).join(" "), ok: false };
        const { userId, tier, role } = parsed.data;
        if (!confirmed) {
          const user = await findUser(db, userId);
          if (!user) return { message: "No such user.", ok: false };
          if (user.tier === tier && user.role === role) return { message: "Nothing to change.", ok: true };
          return ask({
            question: `Change ${user.email ?? user.clerkUserId} from ${user.tier} / ${user.role} to ${tier} / ${role}?`,
            fields: { intent: "set-access", userId, tier, role },
            button: "Yes, change it",
          });
        }
        await setUserAccess(args.context.config, args.request, db, admin.userId, userId, { tier, role });
        return { message: `Saved: ${tier} / ${role}.`, ok: true, userId };
      }
      case "purge-cache": {
        if (!confirmed) {
          return ask({
            question: "Purge every cached compile result and source copy? The next compiles fetch and compile again.",
            fields: { intent: "purge-cache" },
            button: "Yes, purge",
          });
        }
        const { entries, objects } = await purgeCompileCache(args.context.services.results);
        return { message: `Purged ${entries} cache entries and ${objects} stored large results.`, ok: true };
      }
      case "retry-job": {
        const parsed = validateForm(form, retryForm);
        if (!parsed.ok) return { message: "That is not a job id.", ok: false };
        await retryJob(db, args.context.services.queues, parsed.data.jobId);
        return { message: "The job is queued again.", ok: true };
      }
      default:
        return { message: "Unknown action.", ok: false };
    }
  } catch (error) {
    if (error instanceof ApiError) return { message: error.message, ok: false };
    throw error;
  }
}

export default function Admin() {
  const { email, query, users, failed, cache } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="mx-auto max-w-6xl space-y-6 px-6 py-10">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-3xl font-bold">Admin</h1>
        <div className="flex min-w-0 flex-wrap items-center gap-3 text-sm">
          <span className="min-w-0 break-words text-slate-600 dark:text-slate-400">
            Signed in as administrator <BreakableEmail email={email ?? ""} />
          </span>
          <Link to="/dashboard" className={secondaryButton}>
            Dashboard
          </Link>
          <SignOutButton />
        </div>
      </div>
      {result && "confirm" in result && result.confirm && (
        <ConfirmForm
          panel
          testId="admin-confirm"
          fields={{ ...result.confirm.fields, confirmed: "yes" }}
          question={result.confirm.question}
          confirm={result.confirm.button}
          cancelTo="/admin"
        />
      )}
      {result?.message && (
        <p
          role="status"
          data-testid="admin-message"
          className={`rounded-md p-3 text-sm ${result.ok ? "bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100" : "bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100"}`}
        >
          {result.message}
        </p>
      )}

      <Card title="Users">
        <Form method="get" className="flex flex-wrap items-end gap-3" role="search">
          <div className="grow">
            <label htmlFor="user-search" className="block text-sm font-medium">
              Search by email or Clerk user id
            </label>
            <input id="user-search" name="q" defaultValue={query} className={inputClass} />
          </div>
          <button type="submit" className={secondaryButton}>
            Search
          </button>
        </Form>
        <DataTable
          className="mt-4"
          testId="users-table"
          rows={users}
          rowKey={(user) => user.id}
          rowProps={(user) => ({ "data-user-email": user.email ?? "" })}
          columns={[
            { header: "Email", cell: (user) => <BreakableEmail email={user.email ?? user.clerkUserId} /> },
            { header: "Joined", cell: (user) => formatDate(user.createdAt) },
            {
              header: "Tier and role",
              bare: true,
              cell: (user) => (
                <Form method="post" className="flex flex-wrap items-center gap-2">
                  <input type="hidden" name="intent" value="set-access" />
                  <input type="hidden" name="userId" value={user.id} />
                  <SelectField
                    id={`tier-${user.id}`}
                    name="tier"
                    label={`Tier of ${user.email}`}
                    hideLabel
                    options={TIERS}
                    defaultValue={user.tier}
                    className={compactInputClass}
                  />
                  <SelectField
                    id={`role-${user.id}`}
                    name="role"
                    label={`Role of ${user.email}`}
                    hideLabel
                    options={ROLES}
                    defaultValue={user.role}
                    className={compactInputClass}
                  />
                  <button type="submit" className={secondaryButton}>
                    Save<span className="sr-only"> {user.email}</span>
                  </button>
                </Form>
              ),
            },
          ]}
        />
        {users.length === 0 && <p className="mt-3 text-slate-600 dark:text-slate-400">No users match.</p>}
      </Card>

      <Card title="Compile cache">
        <dl className="grid gap-3 text-sm sm:grid-cols-3" data-testid="cache-stats">
          {[
            ["Cached results (1 h)", cache.results],
            ["Cached sources (1 day)", cache.sources],
            ["Job results (7 days)", cache.jobResults],
          ].map(([label, stat]) => {
            const { count, capped } = stat as { count: number; capped: boolean };
            return (
              <div key={label as string}>
                <dt className="text-slate-600 dark:text-slate-400">{label as string}</dt>
                <dd className="text-lg font-semibold">
                  {count}
                  {capped ? "+" : ""}
                </dd>
              </div>
            );
          })}
        </dl>
        <Form method="post" className="mt-4">
          <input type="hidden" name="intent" value="purge-cache" />
          <button type="submit" className={primaryButton}>
            Purge cached results and sources
          </button>
        </Form>
      </Card>

      <Card title="Failed jobs">
        {failed.length === 0 ? (
          <p className="text-slate-600 dark:text-slate-400">No failed jobs.</p>
        ) : (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="failed-jobs">
            {failed.map((job) => (
              <li key={job.id} className="flex flex-wrap items-start justify-between gap-3 py-3 text-sm">
                <div className="min-w-0 grow">
                  <p className="font-mono">
                    {job.kind} · {job.id.slice(0, 8)} · {job.email ?? "anonymous"} · {job.attempts} attempts ·{" "}
                    {formatDate(job.finishedAt)}
                  </p>
                  <p className="mt-1 text-red-800 dark:text-red-300">{job.error ?? "No reason recorded."}</p>
                </div>
                {job.kind === "async" && (
                  <Form method="post">
                    <input type="hidden" name="intent" value="retry-job" />
                    <input type="hidden" name="jobId" value={job.id} />
                    <button type="submit" className={secondaryButton}>
                      Retry
                    </button>
                  </Form>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </main>
  );
}
