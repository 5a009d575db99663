/**
 * The exact rate-limit backend: one Durable Object per bucket. A Durable Object handles one event
 * at a time and its storage calls hold the input gate, so read-count-write cannot interleave. It
 * grants isolates leases of the window's requests (decision 0019), never more than the limit.
 */
import { z } from "zod";
import { nextLease, usedInWindow } from "./rate-limit.server";

const leaseRequest = z.object({ limit: z.number().positive(), want: z.number().int().positive(), now: z.number() });
const STATE_KEY = "window";

export class RateLimiterObject implements DurableObject {
  constructor(private readonly state: DurableObjectState) {}

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/used") {
      return Response.json({
        used: usedInWindow(await this.state.storage.get(STATE_KEY), Number(url.searchParams.get("now"))),
      });
    }
    const parsed = leaseRequest.safeParse(await request.json().catch(() => null));
    if (!parsed.success) return new Response("bad request", { status: 400 });
    const { limit, want, now } = parsed.data;
    const { grant, state } = nextLease(await this.state.storage.get(STATE_KEY), limit, want, now);
    if (state) await this.state.storage.put(STATE_KEY, state);
    return Response.json(grant);
  }
}
