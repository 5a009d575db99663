/**
 * What the Clerk instance's publishable key says about it. The key encodes the instance's Frontend
 * API host (base64 of "<host>$"): Clerk JS is served from there, and it is the `iss` of every
 * session token the instance signs — with a custom domain it is not under *.clerk.com.
 */
export function clerkFrontendApiOrigin(publishableKey: string): string | null {
  const encoded = /^pk_(?:test|live)_(.+)$/.exec(publishableKey)?.[1];
  if (!encoded) return null;
  try {
    const host = atob(encoded).replace(/\$$/, "");
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) ? `https://${host.toLowerCase()}` : null;
  } catch {
    return null;
  }
}
