import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { SignOutButton } from "~/components/sign-out-button";
import { BreakableEmail } from "~/components/ui";
import { requireUser } from "~/services/auth.server";

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  return { email: user.email ?? null, isAdmin: user.role === "admin" };
}

const LINKS = [
  { to: "/dashboard", label: "Overview", end: true },
  { to: "/dashboard/keys", label: "API keys", end: false },
  { to: "/dashboard/compile", label: "Compile", end: false },
  { to: "/dashboard/jobs", label: "Jobs", end: false },
  { to: "/dashboard/lists", label: "Lists", end: false },
];

/** The signed-in area: one navigation for every dashboard page. */
export default function DashboardLayout() {
  const { email, isAdmin } = useLoaderData<typeof loader>();
  const links = isAdmin ? [...LINKS, { to: "/admin", label: "Admin", end: false }] : LINKS;
  return (
    <div className="mx-auto max-w-6xl px-6 py-8">
      <div className="flex flex-wrap items-center justify-between gap-4 border-b border-slate-200 pb-4 dark:border-slate-800">
        <nav aria-label="Dashboard" className="flex flex-wrap gap-1">
          {links.map((link) => (
            <NavLink
              key={link.to}
              to={link.to}
              end={link.end}
              className={({ isActive }) =>
                `rounded-md px-3 py-2 text-sm font-medium focus:outline-none focus:ring-2 focus:ring-brand-500 ${
                  isActive
                    ? "bg-brand-700 text-white"
                    : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                }`
              }
            >
              {link.label}
            </NavLink>
          ))}
        </nav>
        <div className="flex min-w-0 flex-wrap items-center gap-3 text-sm">
          {email && (
            <span className="min-w-0 text-slate-600 dark:text-slate-400">
              <BreakableEmail email={email} />
            </span>
          )}
          <SignOutButton />
        </div>
      </div>
      <Outlet />
    </div>
  );
}
