import { Form } from "@remix-run/react";

export function SignOutButton() {
  return (
    <Form method="post" action="/sign-out">
      <button
        type="submit"
        className="rounded-md border border-slate-300 px-3 py-1.5 hover:border-brand-500 dark:border-slate-700"
      >
        Sign out
      </button>
    </Form>
  );
}
