import { ClerkApp } from "@clerk/remix";
import { rootAuthLoader } from "@clerk/remix/ssr.server";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorPage } from "~/components/error-page";
import { useNonce } from "~/components/nonce";
import { SiteHeader } from "~/components/site-header";
import { requestForClerk } from "~/services/identity.server";
import { isDevIdentityEnabled } from "~/services/session-token.server";
import stylesheet from "~/tailwind.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Bloqr — filter lists, compiled" },
  { name: "description", content: "Compile ad and tracker block lists from many sources into one clean list." },
];

export function loader(args: LoaderFunctionArgs) {
  const { config } = args.context;
  const devIdentity = isDevIdentityEnabled(config, args.request);
  return rootAuthLoader(
    { ...args, request: requestForClerk(args.request) },
    ({ request }) => ({ devIdentity, signedIn: Boolean(request.auth.userId) }),
    {
      publishableKey: config.CLERK_PUBLISHABLE_KEY,
      secretKey: config.CLERK_SECRET_KEY,
      jwtKey: config.CLERK_JWT_KEY,
      authorizedParties: config.CLERK_AUTHORIZED_PARTIES,
      signInUrl: "/sign-in",
    },
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // Absent when the root loader itself failed (the error page still gets the header).
  const rootData = useRouteLoaderData<typeof loader>("root") as { signedIn?: boolean } | undefined;
  return (
    <html lang="en" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-full bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <a
          href="#content"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:font-semibold focus:text-brand-700 focus:ring-2 focus:ring-brand-500 dark:focus:bg-slate-900"
        >
          Skip to content
        </a>
        <SiteHeader signedIn={Boolean(rootData?.signedIn)} />
        <div id="content" tabIndex={-1} className="focus:outline-none">
          {children}
        </div>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function App() {
  return <Outlet />;
}

const AppWithClerk = ClerkApp(App);

/**
 * With the offline development identity there is no Clerk frontend API to load Clerk JS from, so
 * the page renders without Clerk's client; the server still verifies sessions with Clerk's getAuth.
 */
export default function Root() {
  const { devIdentity } = useLoaderData<typeof loader>();
  return devIdentity ? <App /> : <AppWithClerk />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return <ErrorPage status={status} />;
}
