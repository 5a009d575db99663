import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/cloudflare";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToReadableStream } from "react-dom/server";
import { NonceProvider } from "~/components/nonce";
import { describeError } from "~/services/analytics.server";
import { clerkFrontendApiOrigin } from "~/services/clerk-instance.server";
import { applyDocumentSecurityHeaders, createNonce } from "~/services/security-headers.server";

const RENDER_TIMEOUT_MS = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = createNonce();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), RENDER_TIMEOUT_MS);
  const body = await renderToReadableStream(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} abortDelay={RENDER_TIMEOUT_MS} nonce={nonce} />
    </NonceProvider>,
    {
      nonce,
      signal: controller.signal,
      onError(error: unknown) {
        if (!controller.signal.aborted) console.error(describeError(error));
        responseStatusCode = 500;
      },
    },
  );
  body.allReady.finally(() => clearTimeout(timer));
  // Crawlers get the complete document at once.
  if (isbot(request.headers.get("user-agent") ?? "")) await body.allReady;

  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  applyDocumentSecurityHeaders(
    responseHeaders,
    nonce,
    clerkFrontendApiOrigin(loadContext.config.CLERK_PUBLISHABLE_KEY),
  );
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  // Method and path only: query strings and headers can carry tokens; describeError drops query parameters.
  console.error(`${request.method} ${new URL(request.url).pathname}: ${describeError(error)}`);
};
