/**
 * Security headers for every HTML document: a CSP with a per-request nonce, HSTS, no sniffing,
 * no framing, a tight Permissions-Policy, and no caching (pages may be personalised).
 */

// Scripts may come from ourselves, Clerk's frontend API and Turnstile only.
const CLERK_SOURCES = ["https://*.clerk.accounts.dev", "https://*.clerk.com"];
const TURNSTILE_SOURCE = "https://challenges.cloudflare.com";

export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(nonce: string, extraOrigins: string[] = []): string {
  const clerk = [...CLERK_SOURCES, ...extraOrigins].join(" ");
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' ${clerk} ${TURNSTILE_SOURCE}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https://img.clerk.com",
    `connect-src 'self' ${clerk} ${TURNSTILE_SOURCE}`,
    `frame-src ${TURNSTILE_SOURCE} ${clerk}`,
    "worker-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function applyDocumentSecurityHeaders(headers: Headers, nonce: string, extraOrigins: string[] = []): void {
  headers.set("Content-Security-Policy", contentSecurityPolicy(nonce, extraOrigins));
  headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cache-Control", "private, no-store");
}
