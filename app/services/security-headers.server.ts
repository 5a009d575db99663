/**
 * Security headers for every HTML document: a CSP with a per-request nonce, HSTS, no sniffing,
 * no framing, a tight Permissions-Policy, and no caching (pages may be personalised).
 */

// Scripts may come from ourselves, Clerk's frontend API and Turnstile only.
const CLERK_SOURCES = ["https://*.clerk.accounts.dev", "https://*.clerk.com"];
const TURNSTILE_SOURCE = "https://challenges.cloudflare.com";

/**
 * Clerk JS is served from the instance's frontend API host, which the publishable key encodes
 * (base64 of "<host>$"); with a custom domain it is not under *.clerk.com.
 */
export function clerkFrontendApiOrigin(publishableKey: string): string | null {
  const encoded = /^pk_(?:test|live)_(.+)$/.exec(publishableKey)?.[1];
  if (!encoded) return null;
  try {
    const host = atob(encoded).replace(/\$$/, "");
    return /^[a-z0-9.-]+$/i.test(host) ? `https://${host}` : null;
  } catch {
    return null;
  }
}

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
