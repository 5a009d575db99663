/** A Server-Sent Events response whose `signal` aborts when the client disconnects. */
import { API_HEADERS } from "./http.server";
import { jsonChunks } from "./list-json.server";

// Proxies and load balancers drop connections that stay silent for about a minute.
const HEARTBEAT_MS = 15_000;

export function openEventStream(requestSignal?: AbortSignal) {
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const controller = new AbortController();
  const stop = () => controller.abort(new Error("client disconnected"));
  requestSignal?.addEventListener("abort", stop);

  const write = (text: string) => {
    if (controller.signal.aborted) return;
    writer.write(encoder.encode(text)).catch(stop);
  };
  const heartbeat = setInterval(() => write(": heartbeat\n\n"), HEARTBEAT_MS);
  write(": connected\n\n");

  return {
    signal: controller.signal,
    response: new Response(readable, {
      headers: { ...API_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" },
    }),
    send(event: string, data: unknown) {
      write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    /** An event whose data is written a chunk at a time as the client reads (a compiled list's rules). */
    async sendStreamed(event: string, data: unknown) {
      write(`event: ${event}\ndata: `);
      for (const chunk of jsonChunks(data)) {
        await writer.ready;
        write(chunk);
      }
      write("\n\n");
    },
    async close() {
      clearInterval(heartbeat);
      requestSignal?.removeEventListener("abort", stop);
      await writer.close().catch(() => {});
    },
  };
}
