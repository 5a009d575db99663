import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { everyText } from "~/components/lists";
import { Card, formatDate, primaryButton } from "~/components/ui";
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
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="lists-table">
              <thead>
                <tr className="border-b border-slate-200 dark:border-slate-800">
                  <th className="py-2 pr-4">Name</th>
                  <th className="py-2 pr-4">Formats</th>
                  <th className="py-2 pr-4">Last refresh</th>
                  <th className="py-2 pr-4">Status</th>
                  <th className="py-2 pr-4">Rules</th>
                </tr>
              </thead>
              <tbody>
                {lists.map((list) => (
                  <tr key={list.id} className="border-b border-slate-100 dark:border-slate-800">
                    <td className="py-2 pr-4">
                      <Link to={`/dashboard/lists/${list.id}`} className="font-medium text-brand-700 underline">
                        {list.name}
                      </Link>
                    </td>
                    <td className="py-2 pr-4">{list.formats.join(", ")}</td>
                    <td className="py-2 pr-4">{formatDate(list.lastCheckedAt)}</td>
                    <td className="py-2 pr-4">{list.lastCheckOutcome ?? "waiting for its first refresh"}</td>
                    <td className="py-2 pr-4">{list.currentVersion?.ruleCount ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </main>
  );
}
