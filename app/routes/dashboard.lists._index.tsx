import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { everyText } from "~/components/lists";
import { Card, DataTable, formatDate, primaryButton } from "~/components/ui";
import { requireUser } from "~/services/auth.server";
import { LIST_LIMITS, listOwnLists, publicList } from "~/services/lists.server";

export const meta: MetaFunction = () => [{ title: "Published lists · Bloqr" }];

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const rows = await listOwnLists(args.context.database.db, user.userId);
  const limits = LIST_LIMITS[user.tier];
  return {
    lists: rows.map((row) => publicList(row.list, row.version, new URL(args.request.url).origin)),
    tier: user.tier,
    maxLists: Number.isFinite(limits.lists) ? limits.lists : null,
    minRefreshMinutes: limits.minRefreshMinutes,
  };
}

export default function Lists() {
  const { lists, tier, maxLists, minRefreshMinutes } = useLoaderData<typeof loader>();
  return (
    <main className="mt-8 space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-3xl font-bold">Published lists</h1>
        <Link to="/dashboard/lists/new" className={primaryButton}>
          New list
        </Link>
      </div>
      <p className="text-slate-600 dark:text-slate-400" data-testid="list-limits">
        The {tier} tier: {maxLists === null ? "unlimited lists" : `${lists.length} of ${maxLists} lists`}, refreshed at
        most {everyText(minRefreshMinutes)}. A list gets a URL every blocker can subscribe to and is rebuilt when its
        sources change.
      </p>
      <Card title="Your lists">
        {lists.length === 0 ? (
          <p className="text-slate-600 dark:text-slate-400">
            No lists yet. Create one here, or press “Publish” in the compile playground.
          </p>
        ) : (
          <DataTable
            testId="lists-table"
            rows={lists}
            rowKey={(list) => list.id}
            columns={[
              {
                header: "Name",
                cell: (list) => (
                  <Link to={`/dashboard/lists/${list.id}`} className="font-medium text-brand-700 underline">
                    {list.name}
                  </Link>
                ),
              },
              { header: "Formats", cell: (list) => list.formats.join(", ") },
              { header: "Last refresh", cell: (list) => formatDate(list.lastCheckedAt) },
              { header: "Status", cell: (list) => list.lastCheckOutcome ?? "waiting for its first refresh" },
              { header: "Rules", cell: (list) => list.currentVersion?.ruleCount ?? "—" },
            ]}
          />
        )}
      </Card>
    </main>
  );
}
