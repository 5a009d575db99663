/**
 * CSRF defence for every non-GET action: the browser must say the request is same-origin, through
 * `Sec-Fetch-Site` (all current browsers) or, failing that, an `Origin` equal to our own.
 */
export function isSameOriginRequest(request: Request): boolean {
  const fetchSite = request.headers.get("Sec-Fetch-Site");
  if (fetchSite) return fetchSite === "same-origin" || fetchSite === "none";
  const origin = request.headers.get("Origin");
  return origin !== null && origin === new URL(request.url).origin;
}

export function assertSameOrigin(request: Request): void {
  if (!isSameOriginRequest(request)) throw new Response("Cross-site request refused", { status: 403 });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a request would run a page action (any method but GET, HEAD and OPTIONS outside /api)
 * without the browser vouching that it is same-origin. server.ts refuses these before Remix runs
 * any action, so a page action that forgets `assertSameOrigin` is still covered.
 */
export function isCrossSitePageAction(request: Request, isApi: boolean): boolean {
  return !isApi && !SAFE_METHODS.has(request.method) && !isSameOriginRequest(request);
}
