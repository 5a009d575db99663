/**
 * Fixed one-minute windows per bucket (`ratelimit:user:<id>`, `ratelimit:ip:<ip>`,
 * `ratelimit:key:<id>`), behind one interface with two backends chosen by RATE_LIMIT_BACKEND:
 * KV as the integration guide describes (cheap, eventually consistent, overshoots under bursts)
 * and a Durable Object per bucket (exact). See docs/decisions/0007-rate-limit-backends.md.
 */
import { z } from "zod";

const WINDOW_MS = 60_000;
// KV's minimum TTL is 60 s; the window plus 10 s lets a counter outlive small clock skew.
const KV_TTL_SECONDS = Math.max(60, WINDOW_MS / 1000 + 10);

// Attempts with X-Admin-Key per IP: ADMIN_KEY has ≥ 32 random characters, so guessing is hopeless
// anyway; the cap keeps it that way cheaply.
export const ADMIN_KEY_ATTEMPTS_PER_MINUTE = 20;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds at which the window ends. */
  resetAt: number;
}

export interface RateLimiter {
  hit(bucket: string, limit: number, now: number): Promise<RateLimitDecision>;
  /** Requests counted in the current window, without counting one (the dashboard's usage). */
  used(bucket: string, now: number): Promise<number>;
}

const windowState = z.object({ count: z.number().int().nonnegative(), resetAt: z.number() });
type WindowState = z.infer<typeof windowState>;

export function windowEnd(now: number): number {
  return Math.floor(now / WINDOW_MS) * WINDOW_MS + WINDOW_MS;
}

/** Requests in the window that contains `now`; `stored` may be a previous window or garbage. */
export function usedInWindow(stored: unknown, now: number): number {
  const previous = windowState.safeParse(stored);
  return previous.success && previous.data.resetAt === windowEnd(now) ? previous.data.count : 0;
}

/** Counts one request against a window; `stored` may be a previous window or garbage. */
export function nextWindow(
  stored: unknown,
  limit: number,
  now: number,
): { decision: RateLimitDecision; state?: WindowState } {
  const resetAt = windowEnd(now);
  const count = usedInWindow(stored, now);
  if (count >= limit) return { decision: { allowed: false, limit, remaining: 0, resetAt } };
  return {
    decision: { allowed: true, limit, remaining: limit - count - 1, resetAt },
    state: { count: count + 1, resetAt },
  };
}

/** Read, then write: two requests in the same instant both read the old count (the overshoot). */
function kvRateLimiter(kv: KVNamespace): RateLimiter {
  return {
    async hit(bucket, limit, now) {
      const { decision, state } = nextWindow(await kv.get(bucket, "json"), limit, now);
      if (state) await kv.put(bucket, JSON.stringify(state), { expirationTtl: KV_TTL_SECONDS });
      return decision;
    },
    async used(bucket, now) {
      return usedInWindow(await kv.get(bucket, "json"), now);
    },
  };
}

const decisionSchema = z.object({
  allowed: z.boolean(),
  limit: z.number(),
  remaining: z.number(),
  resetAt: z.number(),
});

function durableObjectRateLimiter(namespace: DurableObjectNamespace): RateLimiter {
  return {
    async hit(bucket, limit, now) {
      const stub = namespace.get(namespace.idFromName(bucket));
      const response = await stub.fetch("https://rate-limiter.internal/hit", {
        method: "POST",
        body: JSON.stringify({ limit, now }),
      });
      if (!response.ok) throw new Error(`rate limiter object answered ${response.status}`);
      return decisionSchema.parse(await response.json());
    },
    async used(bucket, now) {
      const stub = namespace.get(namespace.idFromName(bucket));
      const response = await stub.fetch(`https://rate-limiter.internal/used?now=${now}`);
      if (!response.ok) throw new Error(`rate limiter object answered ${response.status}`);
      return z.object({ used: z.number() }).parse(await response.json()).used;
    },
  };
}

export function rateLimiterFor(
  backend: "kv" | "durable-object",
  bindings: { RATE_LIMIT: KVNamespace; RATE_LIMITER: DurableObjectNamespace },
): RateLimiter {
  return backend === "durable-object"
    ? durableObjectRateLimiter(bindings.RATE_LIMITER)
    : kvRateLimiter(bindings.RATE_LIMIT);
}

// An IPv6 subscriber is routinely given a whole /64 (RFC 6177) and picks addresses in it at will,
// so per address would hand one client 2^64 buckets; a /64 is what one client controls.
const IPV6_NETWORK_HEXTETS = 4;

/**
 * The network an address counts as for per-IP limits: an IPv4 address itself, an IPv6 address's
 * /64 (`2001:db8:1:2::/64`), an IPv4-mapped IPv6 address as its IPv4 address.
 */
export function ipNetwork(ip: string): string {
  if (!ip.includes(":")) return ip;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  const [head, tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") && tail ? tail.split(":") : [];
  // A trailing dotted IPv4 part (::1.2.3.4) fills two hextets; only the first four matter here.
  const missing = Math.max(0, 8 - left.length - right.length - (right.at(-1)?.includes(".") ? 1 : 0));
  const hextets = ip.includes("::") ? [...left, ...Array(missing).fill("0"), ...right] : left;
  const network = hextets
    .slice(0, IPV6_NETWORK_HEXTETS)
    .map((hextet) => Number.parseInt(hextet || "0", 16).toString(16));
  return `${network.join(":")}::/64`;
}

/** The bucket a principal's own requests count against: per user when signed in, else per network. */
export function principalBucket(principal: { userId?: string; ip: string }): string {
  return principal.userId ? `ratelimit:user:${principal.userId}` : `ratelimit:ip:${ipNetwork(principal.ip)}`;
}

export function rateLimitHeaders(decision: RateLimitDecision, now: number): Record<string, string> {
  const secondsToReset = String(Math.max(1, Math.ceil((decision.resetAt - now) / 1000)));
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": secondsToReset,
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(decision.remaining),
    "X-RateLimit-Reset": String(Math.ceil(decision.resetAt / 1000)),
  };
  if (!decision.allowed) headers["Retry-After"] = secondsToReset;
  return headers;
}

/** Of several buckets that all apply, the one a client must respect: denied first, else fewest left. */
export function strictest(decisions: RateLimitDecision[]): RateLimitDecision | null {
  if (decisions.length === 0) return null;
  return decisions.reduce((worst, next) => {
    if (worst.allowed !== next.allowed) return worst.allowed ? next : worst;
    return next.remaining < worst.remaining ? next : worst;
  });
}
