import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { ErrorPage } from "~/components/error-page";

/** Any page path no route claims: the styled 404. */
export function loader(_: LoaderFunctionArgs) {
  throw new Response("Not found", { status: 404 });
}

export function action(_: ActionFunctionArgs) {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return <ErrorPage status={404} />;
}
