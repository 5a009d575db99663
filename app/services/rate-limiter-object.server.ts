/**
 * The exact rate-limit backend: one Durable Object per bucket. A Durable Object handles one event
 * at a time and its storage calls hold the input gate, so read-count-write cannot interleave.
 */
import { z } from "zod";
import { nextWindow, usedInWindow } from "./rate-limit.server";

const hitRequest = z.object({ limit: z.number().positive(), now: z.number() });
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
    const parsed = hitRequest.safeParse(await request.json().catch(() => null));
    if (!parsed.success) return new Response("bad request", { status: 400 });
    const { decision, state } = nextWindow(await this.state.storage.get(STATE_KEY), parsed.data.limit, parsed.data.now);
    if (state) await this.state.storage.put(STATE_KEY, state);
    return Response.json(decision);
  }
}
