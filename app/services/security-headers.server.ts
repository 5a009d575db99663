/**
 * Security headers for every HTML document: a CSP with a per-request nonce, HSTS, no sniffing,
 * no framing, a tight Permissions-Policy, and no caching (pages may be personalised).
 */

// Scripts may come from ourselves, this instance's Clerk Frontend API and Turnstile only.
const TURNSTILE_SOURCE = "https://challenges.cloudflare.com";

// Powerful features Bloqr never uses, off for the page and every frame in it. Fullscreen and
// autoplay stay at their defaults: the Turnstile iframe asks for them.
const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "bluetooth=()",
  "browsing-topics=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "interest-cohort=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "serial=()",
  "usb=()",
].join(", ");

// Every response, documents or not: HTTPS from now on, and no content sniffing.
const EVERY_RESPONSE: Record<string, string> = {
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
};

export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * `clerkOrigin`: the instance's own Frontend API (clerkFrontendApiOrigin), never a wildcard over
 * every Clerk tenant — *.clerk.accounts.dev would let a script from anyone's Clerk instance run.
 * Without it (the standalone error page) no Clerk host is allowed at all.
 */
function contentSecurityPolicy(nonce: string, clerkOrigin: string | null = null): string {
  const clerk = clerkOrigin ? ` ${clerkOrigin}` : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${clerk} ${TURNSTILE_SOURCE}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https://img.clerk.com",
    `connect-src 'self'${clerk} ${TURNSTILE_SOURCE}`,
    `frame-src ${TURNSTILE_SOURCE}${clerk}`,
    "worker-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function applyDocumentSecurityHeaders(headers: Headers, nonce: string, clerkOrigin: string | null = null): void {
  headers.set("Content-Security-Policy", contentSecurityPolicy(nonce, clerkOrigin));
  for (const [name, value] of Object.entries(EVERY_RESPONSE)) headers.set(name, value);
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Permissions-Policy", PERMISSIONS_POLICY);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cache-Control", "private, no-store");
}

/**
 * The last word on headers, for every response the Worker sends. HSTS and nosniff everywhere; an
 * HTML document that did not come through entry.server (the standalone error page) gets the full
 * document set with a nonce no script carries; whatever else a page route answers (redirects,
 * loader data for client navigation) may be personal and is never cached; the API is never cached.
 * Headers a response already has are kept, except the two that hold everywhere.
 */
export function withSecurityHeaders(response: Response, { api }: { api: boolean }): Response {
  // A fresh Response: headers of one that came from fetch() are immutable.
  const secured = new Response(response.body, response);
  const { headers } = secured;
  for (const [name, value] of Object.entries(EVERY_RESPONSE)) headers.set(name, value);
  if (api) {
    if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
    return secured;
  }
  const isHtml = /^text\/html\b/i.test(headers.get("Content-Type") ?? "");
  if (isHtml && !headers.has("Content-Security-Policy")) applyDocumentSecurityHeaders(headers, createNonce());
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "private, no-store");
  if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  return secured;
}
