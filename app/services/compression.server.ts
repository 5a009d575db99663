/** Gzip for what we keep in KV: lists compress ~5×, and KV values are capped at 25 MiB. */

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function gzipText(text: string): Promise<Uint8Array> {
  return collect(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")));
}

export async function gunzipText(bytes: ArrayBuffer): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new TextDecoder().decode(await collect(stream));
}
