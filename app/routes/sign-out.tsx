import { type ActionFunctionArgs, redirect } from "@remix-run/cloudflare";
import { assertSameOrigin } from "~/services/csrf.server";
import { clearedSessionCookies } from "~/services/session-token.server";

/** Ends the session cookies (development sign-in; with Clerk, Clerk JS also signs out its client). */
export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const headers = new Headers();
  for (const cookie of clearedSessionCookies(new URL(request.url).protocol === "https:"))
    headers.append("Set-Cookie", cookie);
  return redirect("/", { headers });
}

export function loader() {
  return redirect("/");
}
