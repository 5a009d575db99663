import { Link } from "@remix-run/react";
import { errorCopy } from "./error-copy";

/** The styled page for 401/403/404/429/500 and friends. Never shows error details. */
export function ErrorPage({ status }: { status: number }) {
  const { title, message } = errorCopy(status);
  return (
    <main className="mx-auto flex max-w-xl flex-col items-center px-6 py-24 text-center">
      <p className="text-7xl font-extrabold text-brand-500">{status}</p>
      <h1 className="mt-4 text-2xl font-semibold">{title}</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-400">{message}</p>
      <div className="mt-8 flex gap-3">
        <Link to="/" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          Back to Bloqr
        </Link>
        {status === 401 && (
          <Link
            to="/sign-in"
            className="rounded-md border border-slate-300 px-4 py-2 font-medium dark:border-slate-700"
          >
            Sign in
          </Link>
        )}
      </div>
    </main>
  );
}
