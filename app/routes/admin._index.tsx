import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { SignOutButton } from "~/components/sign-out-button";
import { requireAdmin } from "~/services/auth.server";

export const meta: MetaFunction = () => [{ title: "Admin · Bloqr" }];

export async function loader(args: LoaderFunctionArgs) {
  const admin = await requireAdmin(args);
  return { email: admin.email };
}

export default function Admin() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-4xl px-6 py-12">
      <div className="flex items-center justify-between">
        <h1 className="text-3xl font-bold">Admin</h1>
        <SignOutButton />
      </div>
      <p className="mt-4 text-slate-600 dark:text-slate-400">Signed in as administrator {email}.</p>
    </main>
  );
}
