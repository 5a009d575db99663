import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "API docs — Bloqr" }];

export function loader({ request }: LoaderFunctionArgs) {
  return { origin: new URL(request.url).origin };
}

interface Endpoint {
  method: string;
  path: string;
  who: string;
  what: string;
  curl: (base: string) => string;
}

const DEMO_LIST = "https://lists.bloqr.dev/demo/ads.txt";
const CONFIG = `{"name":"My list","sources":[{"source":"${DEMO_LIST}"}],"transformations":["RemoveComments","Deduplicate"]}`;
/** The list's text travels with the request (preFetchedContent), so every example runs as written. */
const LISTS = `{"${DEMO_LIST}":"||ads.example.com^\\n||ads.example.com^\\n||tracker.example.net^"}`;
const BODY = `{"configuration":${CONFIG},"preFetchedContent":${LISTS}}`;

const ENDPOINTS: Endpoint[] = [
  {
    method: "GET",
    path: "/api/health",
    who: "public",
    what: "Liveness and a real database check: 200 ok, or 503 degraded within 2 s.",
    curl: (base) => `curl -s ${base}/api/health`,
  },
  {
    method: "GET",
    path: "/api/version",
    who: "public",
    what: "The running version.",
    curl: (base) => `curl -s ${base}/api/version`,
  },
  {
    method: "GET",
    path: "/api/clerk-config · /api/turnstile-config",
    who: "public",
    what: "What a browser needs to start Clerk and the Turnstile widget.",
    curl: (base) => `curl -s ${base}/api/turnstile-config`,
  },
  {
    method: "GET",
    path: "/api/me",
    who: "session or key",
    what: "Who the API thinks you are: kind, tier, role, scopes.",
    curl: (base) => `curl -s ${base}/api/me -H "Authorization: Bearer $BLOQR_KEY"`,
  },
  {
    method: "GET · POST",
    path: "/api/keys",
    who: "session, or key with keys:read / keys:write",
    what: "List your keys (never the secrets); create one — its secret is in that response only.",
    curl: (base) =>
      `curl -s ${base}/api/keys -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\\n  -d '{"name":"ci","scopes":["compile","compile:async"]}'`,
  },
  {
    method: "GET · POST",
    path: "/api/lists",
    who: "session, or key with lists:read / lists:write",
    what: "Your published lists (subscribe URLs at /l/{slug}.{ext}, refreshed on a schedule); publish a configuration as one. More under /api/lists/:id — versions, diff, refresh, webhooks (see the OpenAPI document).",
    curl: (base) => `curl -s ${base}/api/lists -H "Authorization: Bearer $TOKEN"`,
  },
  {
    method: "PATCH · DELETE",
    path: "/api/keys/:id",
    who: "session, or key with keys:write",
    what: "Rename a key or change its per-minute limit; revoke it.",
    curl: (base) => `curl -s -X DELETE ${base}/api/keys/$KEY_ID -H "Authorization: Bearer $TOKEN"`,
  },
  {
    method: "POST",
    path: "/api/compile",
    who: "anyone (limited); browsers need a Turnstile token",
    what: "Compile one configuration → {success, rules, ruleCount, compiledAt, cached, metrics}. ?format=text answers the list itself.",
    curl: (base) =>
      `curl -s '${base}/api/compile?format=text' -H "X-API-Key: $BLOQR_KEY" -H 'Content-Type: application/json' \\\n  -d '${BODY}'`,
  },
  {
    method: "POST",
    path: "/api/compile/stream",
    who: "as /api/compile",
    what: "Server-Sent Events: source_start, source_done, transformation, then result or error.",
    curl: (base) =>
      `curl -sN ${base}/api/compile/stream -H "X-API-Key: $BLOQR_KEY" -H 'Content-Type: application/json' \\\n  -d '${BODY}'`,
  },
  {
    method: "POST",
    path: "/api/compile/batch",
    who: "session or key with compile",
    what: "Up to 10 configurations with unique ids; each item succeeds or fails on its own.",
    curl: (base) =>
      `curl -s ${base}/api/compile/batch -H "X-API-Key: $BLOQR_KEY" -H 'Content-Type: application/json' \\\n  -d '{"items":[{"id":"a",${BODY.slice(1)}]}'`,
  },
  {
    method: "POST",
    path: "/api/compile/async · /api/compile/batch/async",
    who: "session or key with compile:async",
    what: '202 {requestId, priority, status} and a Location. Pro and admin may send "priority":"high". Batches up to 100. Queued + running jobs per user are capped by tier: 429 too_many_jobs beyond.',
    curl: (base) =>
      `curl -s ${base}/api/compile/async -H "X-API-Key: $BLOQR_KEY" -H 'Content-Type: application/json' \\\n  -d '${BODY}'`,
  },
  {
    method: "GET",
    path: "/api/queue/results/:id",
    who: "the job's owner: session, or key with jobs:read (or compile:async)",
    what: "The job's status (queued, running, succeeded, failed), and its list once it succeeded.",
    curl: (base) =>
      `REQUEST_ID=$(curl -s ${base}/api/compile/async -H "X-API-Key: $BLOQR_KEY" -H 'Content-Type: application/json' \\\n  -d '${BODY}' | sed -E 's/.*"requestId":"([^"]+)".*/\\1/')\ncurl -s ${base}/api/queue/results/$REQUEST_ID -H "X-API-Key: $BLOQR_KEY"`,
  },
  {
    method: "GET",
    path: "/api/compile/jobs",
    who: "session, or key with jobs:read (or compile:async)",
    what: "Your compiles of every kind, newest first; ?limit=20&cursor=… pages through them.",
    curl: (base) => `curl -s '${base}/api/compile/jobs?limit=20' -H "X-API-Key: $BLOQR_KEY"`,
  },
  {
    method: "GET",
    path: "/api/openapi.json",
    who: "public",
    what: "This API as an OpenAPI 3.1 document, assembled from the operation each route declares beside its code.",
    curl: (base) => `curl -s ${base}/api/openapi.json`,
  },
];

export default function Docs() {
  const { origin } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-4xl px-6 py-12">
      <h1 className="text-3xl font-bold tracking-tight">API docs</h1>
      <p className="mt-4 text-slate-600 dark:text-slate-400">
        Send a Clerk session token (<code>Authorization: Bearer …</code>) or an API key (
        <code>Authorization: Bearer bqk_…</code> or <code>X-API-Key</code>); nothing means anonymous. Limits per minute:
        anonymous 10 by IP, free 60, pro 300, admin unlimited; every limited response carries{" "}
        <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code> and <code>RateLimit-Reset</code>, and a 429 adds{" "}
        <code>Retry-After</code>. Errors always look like <code>{'{"error":{"code":"…","message":"…"}}'}</code>. The
        machine-readable version is <a href="/api/openapi.json">/api/openapi.json</a>; keys are made on the{" "}
        <Link to="/dashboard">dashboard</Link>. The examples use <code>$BLOQR_KEY</code> (a key with every scope),{" "}
        <code>$TOKEN</code> (a session token) and <code>$KEY_ID</code>; against a local <code>npm run dev</code>,{" "}
        <code>eval "$(npm run -s dev:env)"</code> sets them all.
      </p>
      <div className="mt-10 space-y-8">
        {ENDPOINTS.map((endpoint) => (
          <section
            key={endpoint.path}
            aria-labelledby={`endpoint-${endpoint.path}`}
            className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
          >
            <h2 id={`endpoint-${endpoint.path}`} className="font-mono text-lg font-semibold">
              <span className="mr-3 text-brand-600">{endpoint.method}</span>
              {endpoint.path}
            </h2>
            <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{endpoint.who}</p>
            <p className="mt-3">{endpoint.what}</p>
            <pre className="mt-4 overflow-x-auto rounded-lg bg-slate-950 p-4 text-sm text-slate-100">
              <code>{endpoint.curl(origin)}</code>
            </pre>
          </section>
        ))}
      </div>
    </main>
  );
}
