/**
 * CSRF defence for every non-GET action. The browser must vouch that the request is same-origin:
 * `Sec-Fetch-Site: same-origin` (or `none`, a user's own navigation) in all current browsers, or
 * failing that an `Origin` equal to our own; and an `Origin` it sends must be ours either way
 * (`null`, sent from sandboxed frames and after cross-site redirects, is not).
 */
export function isSameOriginRequest(request: Request): boolean {
  const origin = request.headers.get("Origin");
  if (origin !== null && origin !== new URL(request.url).origin) return false;
  const fetchSite = request.headers.get("Sec-Fetch-Site");
  if (fetchSite) return fetchSite === "same-origin" || fetchSite === "none";
  return origin !== null;
}

export function assertSameOrigin(request: Request): void {
  if (!isSameOriginRequest(request)) throw new Response("Cross-site request refused", { status: 403 });
}

/** Methods that must not change anything, so need no CSRF check. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

export const isPageAction = (request: Request, isApi: boolean) => !isApi && !SAFE_METHODS.has(request.method);

/**
 * Whether a request would run a page action (any method but GET, HEAD and OPTIONS outside /api)
 * without the browser vouching that it is same-origin. server.ts refuses these before Remix runs
 * any action, so a page action that forgets `assertSameOrigin` is still covered.
 */
export function isCrossSitePageAction(request: Request, isApi: boolean): boolean {
  return isPageAction(request, isApi) && !isSameOriginRequest(request);
}

/**
 * A page action this module has accepted, as Remix's own origin check needs to see it. Remix
 * compares `Origin` with `X-Forwarded-Host` or `Host` and answers a mismatch — or a missing Host —
 * with a 500; the decision is ours (above), so it gets a Host that agrees with the URL. The body
 * is the one already read (and size-checked) by the caller.
 */
export function withConsistentHost(request: Request, body: Uint8Array<ArrayBuffer>): Request {
  const headers = new Headers(request.headers);
  headers.delete("X-Forwarded-Host");
  headers.set("Host", new URL(request.url).host);
  return new Request(request, { headers, body });
}
