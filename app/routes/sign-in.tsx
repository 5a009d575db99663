import { SignIn } from "@clerk/remix";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { SelectField } from "~/components/ui";
import { ROLES, TIERS } from "~/db/schema";
import { getSignedInUser, safeRedirectPath } from "~/services/auth.server";
import { assertSameOrigin } from "~/services/csrf.server";
import {
  devClerkUserId,
  devSessionCookies,
  isDevIdentityEnabled,
  mintDevSessionToken,
} from "~/services/session-token.server";
import { saveDevUser } from "~/services/users.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Bloqr" }];

export async function loader(args: LoaderFunctionArgs) {
  const redirectUrl = safeRedirectPath(new URL(args.request.url).searchParams.get("redirect_url"));
  if (await getSignedInUser(args)) throw redirect(redirectUrl);
  return { devIdentity: isDevIdentityEnabled(args.context.config, args.request), redirectUrl };
}

const devSignInForm = z.object({
  email: z.email("Enter a valid email address.").max(254),
  tier: z.enum(TIERS),
  role: z.enum(ROLES),
  redirectUrl: z.string().optional(),
});

/** Development sign-in only: mints a Clerk-shaped session for any email. Absent in production. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { config } = context;
  if (!isDevIdentityEnabled(config, request)) throw new Response("Not found", { status: 404 });
  assertSameOrigin(request);
  const form = await request.formData().catch(() => {
    // A body that is not a form (or a multipart one without its boundary) is the sender's mistake.
    throw new Response("The form could not be read.", { status: 400 });
  });
  const parsed = devSignInForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return { errors: Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join("."), issue.message])) };
  }
  const { email, tier, role } = parsed.data;
  const clerkUserId = await devClerkUserId(email);
  await saveDevUser(context.database.db, { clerkUserId, email: email.toLowerCase(), tier, role });
  const origin = new URL(request.url).origin;
  const session = await mintDevSessionToken(config, { clerkUserId, email: email.toLowerCase(), origin });
  const headers = new Headers();
  for (const cookie of devSessionCookies(session, origin.startsWith("https:"))) headers.append("Set-Cookie", cookie);
  return redirect(safeRedirectPath(parsed.data.redirectUrl), { headers });
}

export default function SignInPage() {
  const { devIdentity, redirectUrl } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto flex max-w-md flex-col px-6 py-16">
      {devIdentity ? (
        <DevSignIn redirectUrl={redirectUrl} />
      ) : (
        <SignIn routing="path" path="/sign-in" forceRedirectUrl={redirectUrl} />
      )}
    </main>
  );
}

function DevSignIn({ redirectUrl }: { redirectUrl: string }) {
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  const submitting = useNavigation().state === "submitting";
  const field =
    "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-2xl font-bold">Sign in</h1>
      <p className="mt-2 text-sm text-amber-700 dark:text-amber-400">
        Development sign-in: no password, no Clerk servers. Disabled in production.
      </p>
      <Form method="post" className="mt-6 space-y-4" noValidate>
        <input type="hidden" name="redirectUrl" value={redirectUrl} />
        <div>
          <label htmlFor="email" className="text-sm font-medium">
            Email
          </label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            required
            className={field}
            aria-invalid={Boolean(errors.email)}
            aria-describedby={errors.email ? "email-error" : undefined}
          />
          {errors.email && (
            <p id="email-error" className="mt-1 text-sm text-red-600">
              {errors.email}
            </p>
          )}
        </div>
        <div className="grid grid-cols-2 gap-4">
          <div>
            <SelectField id="tier" name="tier" label="Tier" options={TIERS} defaultValue="free" className={field} />
          </div>
          <div>
            <SelectField id="role" name="role" label="Role" options={ROLES} defaultValue="user" className={field} />
          </div>
        </div>
        <button
          type="submit"
          disabled={submitting}
          className="w-full rounded-md bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700 disabled:opacity-60"
        >
          {submitting ? "Signing in…" : "Sign in"}
        </button>
      </Form>
    </section>
  );
}
