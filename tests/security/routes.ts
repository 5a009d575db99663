/// <reference types="vite/client" />
/**
 * Every route of the app, for the security tests: page URLs derived from the route files
 * themselves (so a page added later is covered without touching these tests), and the API
 * endpoints with their methods, checked against the route files so none can be forgotten.
 */

// Vite reads the route modules as text: which exist and whether they export an action.
const routeSources = import.meta.glob("../../app/routes/*.{ts,tsx}", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

const fileName = (path: string) =>
  path
    .split("/")
    .pop()!
    .replace(/\.(ts|tsx)$/, "");

export const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";

/** Remix flat-route file name → a URL that reaches it (params filled with a sample value). */
export function urlOfRoute(name: string): string {
  const segments = name
    .split(/\.(?![^[]*\])/)
    .filter((segment) => segment !== "_index" && !segment.startsWith("_"))
    .map((segment) => {
      if (segment === "$") return "no-such-page";
      if (segment.startsWith("$")) return SAMPLE_ID;
      return segment.replace(/^\[(.*)\]$/, "$1").replace(/\[(.*?)\]/g, "$1");
    });
  return `/${segments.join("/")}`;
}

const exportsAction = (source: string) => /export\s+(async\s+)?(function|const)\s+action\b/.test(source);

export interface PageRoute {
  file: string;
  url: string;
  hasAction: boolean;
}

export const PAGE_ROUTES: PageRoute[] = Object.entries(routeSources)
  .map(([path, source]) => ({ file: fileName(path), source }))
  .filter(({ file }) => file !== "api" && !file.startsWith("api."))
  .map(({ file, source }) => ({ file, url: urlOfRoute(file), hasAction: exportsAction(source) }));

export const API_ROUTE_FILES = Object.keys(routeSources)
  .map(fileName)
  .filter((file) => file.startsWith("api."));

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface ApiEndpoint {
  method: Method;
  path: string;
  /** The route file answering it. */
  file: string;
  /** A JSON body the endpoint accepts (null: it takes none). */
  body: "json" | null;
  /** Needs a signed-in caller (session or key). */
  auth: "public" | "optional" | "required" | "admin" | "webhook";
}

export const API_ENDPOINTS: ApiEndpoint[] = [
  { method: "GET", path: "/api/health", file: "api.health", body: null, auth: "public" },
  { method: "GET", path: "/api/version", file: "api.version", body: null, auth: "public" },
  { method: "GET", path: "/api/clerk-config", file: "api.clerk-config", body: null, auth: "public" },
  { method: "GET", path: "/api/turnstile-config", file: "api.turnstile-config", body: null, auth: "public" },
  { method: "GET", path: "/api/openapi.json", file: "api.openapi[.]json", body: null, auth: "public" },
  { method: "GET", path: "/api/me", file: "api.me", body: null, auth: "required" },
  { method: "GET", path: "/api/keys", file: "api.keys", body: null, auth: "required" },
  { method: "POST", path: "/api/keys", file: "api.keys", body: "json", auth: "required" },
  { method: "PATCH", path: `/api/keys/${SAMPLE_ID}`, file: "api.keys.$id", body: "json", auth: "required" },
  { method: "DELETE", path: `/api/keys/${SAMPLE_ID}`, file: "api.keys.$id", body: null, auth: "required" },
  { method: "POST", path: "/api/compile", file: "api.compile", body: "json", auth: "optional" },
  { method: "POST", path: "/api/compile/stream", file: "api.compile.stream", body: "json", auth: "optional" },
  { method: "POST", path: "/api/compile/batch", file: "api.compile.batch", body: "json", auth: "required" },
  { method: "POST", path: "/api/compile/async", file: "api.compile.async", body: "json", auth: "required" },
  {
    method: "POST",
    path: "/api/compile/batch/async",
    file: "api.compile.batch.async",
    body: "json",
    auth: "required",
  },
  { method: "GET", path: "/api/compile/jobs", file: "api.compile.jobs", body: null, auth: "required" },
  {
    method: "POST",
    path: `/api/compile/jobs/${SAMPLE_ID}/rerun`,
    file: "api.compile.jobs.$id.rerun",
    body: null,
    auth: "required",
  },
  { method: "GET", path: "/api/compile/explain", file: "api.compile.explain", body: null, auth: "optional" },
  {
    method: "GET",
    path: `/api/queue/results/${SAMPLE_ID}`,
    file: "api.queue.results.$id",
    body: null,
    auth: "required",
  },
  { method: "GET", path: "/api/lists", file: "api.lists", body: null, auth: "required" },
  { method: "POST", path: "/api/lists", file: "api.lists", body: "json", auth: "required" },
  { method: "GET", path: `/api/lists/${SAMPLE_ID}`, file: "api.lists.$id", body: null, auth: "required" },
  { method: "PATCH", path: `/api/lists/${SAMPLE_ID}`, file: "api.lists.$id", body: "json", auth: "required" },
  { method: "DELETE", path: `/api/lists/${SAMPLE_ID}`, file: "api.lists.$id", body: null, auth: "required" },
  {
    method: "GET",
    path: `/api/lists/${SAMPLE_ID}/versions`,
    file: "api.lists.$id.versions",
    body: null,
    auth: "required",
  },
  {
    method: "POST",
    path: `/api/lists/${SAMPLE_ID}/versions/1/publish`,
    file: "api.lists.$id.versions.$number.$decision",
    body: null,
    auth: "required",
  },
  {
    method: "GET",
    path: `/api/lists/${SAMPLE_ID}/diff`,
    file: "api.lists.$id.diff",
    body: null,
    auth: "required",
  },
  {
    method: "POST",
    path: `/api/lists/${SAMPLE_ID}/refresh`,
    file: "api.lists.$id.refresh",
    body: null,
    auth: "required",
  },
  {
    method: "POST",
    path: `/api/lists/${SAMPLE_ID}/rotate-slug`,
    file: "api.lists.$id.rotate-slug",
    body: null,
    auth: "required",
  },
  {
    method: "GET",
    path: `/api/lists/${SAMPLE_ID}/webhooks`,
    file: "api.lists.$id.webhooks",
    body: null,
    auth: "required",
  },
  {
    method: "POST",
    path: `/api/lists/${SAMPLE_ID}/webhooks`,
    file: "api.lists.$id.webhooks",
    body: "json",
    auth: "required",
  },
  {
    method: "DELETE",
    path: `/api/lists/${SAMPLE_ID}/webhooks/${SAMPLE_ID}`,
    file: "api.lists.$id.webhooks.$endpointId",
    body: null,
    auth: "required",
  },
  {
    method: "POST",
    path: `/api/lists/${SAMPLE_ID}/webhooks/${SAMPLE_ID}/rotate-secret`,
    file: "api.lists.$id.webhooks.$endpointId.rotate-secret",
    body: null,
    auth: "required",
  },
  { method: "GET", path: "/api/admin/metrics", file: "api.admin.metrics", body: null, auth: "admin" },
  { method: "POST", path: "/api/webhooks/clerk", file: "api.webhooks.clerk", body: "json", auth: "webhook" },
  { method: "GET", path: "/api/no-such-endpoint", file: "api.$", body: null, auth: "public" },
];

/** A body each JSON endpoint accepts, for tests that vary one thing at a time. */
export function validBody(endpoint: ApiEndpoint, configuration: unknown): unknown {
  switch (endpoint.file) {
    case "api.keys":
      return { name: "security test", scopes: ["compile"] };
    case "api.keys.$id":
      return { name: "renamed" };
    case "api.lists":
      return { name: "security test", configuration };
    case "api.lists.$id":
      return { name: "renamed" };
    case "api.lists.$id.webhooks":
      return { url: "https://hooks.example.com/bloqr" };
    case "api.compile.batch":
    case "api.compile.batch.async":
      return { items: [{ id: "a", configuration }] };
    default:
      return { configuration };
  }
}
