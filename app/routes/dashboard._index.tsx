import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { SignOutButton } from "~/components/sign-out-button";
import { requireUser } from "~/services/auth.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Bloqr" }];

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  return { email: user.email, tier: user.tier, role: user.role };
}

export default function Dashboard() {
  const { email, tier, role } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-4xl px-6 py-12">
      <div className="flex items-center justify-between">
        <h1 className="text-3xl font-bold">Dashboard</h1>
        <SignOutButton />
      </div>
      <dl className="mt-8 grid gap-4 sm:grid-cols-3">
        {[
          ["Signed in as", email ?? "(no email)"],
          ["Tier", tier],
          ["Role", role],
        ].map(([label, value]) => (
          <div
            key={label}
            className="rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
          >
            <dt className="text-sm text-slate-500">{label}</dt>
            <dd
              className="mt-1 text-lg font-semibold"
              data-testid={`account-${label.toLowerCase().replace(/ /g, "-")}`}
            >
              {value}
            </dd>
          </div>
        ))}
      </dl>
    </main>
  );
}
