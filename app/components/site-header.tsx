import { Link } from "@remix-run/react";

export function SiteHeader({ signedIn }: { signedIn: boolean }) {
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
      <nav className="mx-auto flex max-w-6xl items-center justify-between px-6 py-4" aria-label="Main">
        <Link to="/" className="flex items-center gap-2 text-lg font-bold tracking-tight">
          <span aria-hidden="true" className="inline-block h-6 w-6 rounded bg-brand-500" />
          Bloqr
        </Link>
        <div className="flex items-center gap-6 text-sm font-medium">
          <Link to="/docs" className="hover:text-brand-600">
            API docs
          </Link>
          {signedIn ? (
            <Link to="/dashboard" className="rounded-md bg-brand-700 px-3 py-1.5 text-white hover:bg-brand-600">
              Dashboard
            </Link>
          ) : (
            <Link to="/sign-in" className="rounded-md bg-brand-700 px-3 py-1.5 text-white hover:bg-brand-600">
              Sign in
            </Link>
          )}
        </div>
      </nav>
    </header>
  );
}
