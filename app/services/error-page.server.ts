/**
 * A self-contained HTML error page for failures that happen before Remix can render
 * (e.g. invalid configuration). Same copy as the Remix error boundary.
 */
import { errorCopy } from "~/components/error-copy";
import { applyDocumentSecurityHeaders, createNonce } from "./security-headers.server";

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

export function renderStandaloneErrorPage(status: number): Response {
  const { title, message } = errorCopy(status);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${status} · Bloqr</title></head>
<body style="font-family:system-ui,sans-serif;background:#0b1120;color:#e2e8f0;display:grid;place-items:center;min-height:100vh;margin:0">
<main style="max-width:32rem;padding:2rem;text-align:center"><p style="font-size:4rem;font-weight:800;margin:0;color:#38bdf8">${status}</p>
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a style="color:#38bdf8" href="/">Back to Bloqr</a></p></main></body></html>`;
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
  // The page carries no script; the nonce only completes the same CSP every document has.
  applyDocumentSecurityHeaders(headers, createNonce());
  return new Response(html, { status, headers });
}
