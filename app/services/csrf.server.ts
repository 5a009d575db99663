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
