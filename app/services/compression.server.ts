/** Gzip for what we keep in KV and R2: lists compress ~5×, and KV values are capped at 25 MiB. */

// Text is encoded a slice at a time, so gzipping a list never holds its whole UTF-8 copy.
const ENCODE_SLICE_CHARS = 256 * 1024;

// The DOM typings say a (de)compression stream takes any BufferSource; these pipe bytes only.
const gzipStep = (step: CompressionStream | DecompressionStream) =>
  step as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The texts, one after the other, as UTF-8 bytes made as they are read. */
export function textStream(...texts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let text = 0;
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      while (text < texts.length && at >= texts[text].length) {
        text++;
        at = 0;
      }
      if (text === texts.length) return controller.close();
      const end = Math.min(at + ENCODE_SLICE_CHARS, texts[text].length);
      // A slice never ends between the halves of a surrogate pair.
      const cut = isHighSurrogate(texts[text].charCodeAt(end - 1)) && end < texts[text].length ? end - 1 : end;
      controller.enqueue(encoder.encode(texts[text].slice(at, cut)));
      at = cut;
    },
  });
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

export function gzipText(...texts: string[]): Promise<Uint8Array<ArrayBuffer>> {
  return collect(textStream(...texts).pipeThrough(gzipStep(new CompressionStream("gzip"))));
}

/**
 * A gzip written a chunk at a time. A write resolves once the chunk is compressed — a compression
 * stream compresses each chunk as it is written — so the caller may then write over it.
 */
export function gzipWriter() {
  const gzip = gzipStep(new CompressionStream("gzip"));
  const compressed = collect(gzip.readable);
  // a failed write also fails the read: this keeps that rejection from going unhandled
  compressed.catch(() => {});
  const writer = gzip.writable.getWriter();
  return {
    write: (chunk: Uint8Array) => writer.write(chunk),
    abort: (reason: unknown) => writer.abort(reason).catch(() => {}),
    /** All written: the gzip. */
    close: async () => {
      await writer.close();
      return compressed;
    },
  };
}

export function gunzipStream(bytes: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return bytes.pipeThrough(gzipStep(new DecompressionStream("gzip")));
}

export async function gunzipText(bytes: ArrayBuffer | ReadableStream<Uint8Array>): Promise<string> {
  const stream = bytes instanceof ReadableStream ? bytes : new Blob([bytes]).stream();
  return new TextDecoder().decode(await collect(gunzipStream(stream)));
}
