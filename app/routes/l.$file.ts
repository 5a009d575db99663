/**
 * Subscribe URLs: `GET|HEAD /l/{slug}.{ext}` — what Pi-hole, AdGuard Home, uBlock Origin and DNS
 * resolvers download on their own schedule. No credentials (blockers cannot send them), no
 * database: one KV read answers a conditional request, R2 streams the file otherwise. Limited per
 * network on its own generous bucket, apart from the API's.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { clientIp } from "~/services/identity.server";
import { serveListFile } from "~/services/list-files.server";
import { ipNetwork, rateLimitHeaders } from "~/services/rate-limit.server";

// Thousands of blockers behind one office or carrier NAT refresh on their own timers; a client
// fetching a list more than ten times a second is not a blocker.
export const SUBSCRIBE_REQUESTS_PER_MINUTE = 600;

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const now = Date.now();
  const decision = await context.services.limiter
    .hit(`ratelimit:subscribe:${ipNetwork(clientIp(request))}`, SUBSCRIBE_REQUESTS_PER_MINUTE, now)
    // A limiter outage must not break every blocker's update: serve, unlimited, until it is back.
    .catch(() => null);
  if (decision && !decision.allowed) {
    return new Response("Too many requests; try again later.\n", {
      status: 429,
      headers: { ...rateLimitHeaders(decision, now), "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const { files, index } = context.services.lists;
  return serveListFile(request, params.file ?? "", { index, bucket: files });
};
