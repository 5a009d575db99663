/** The one error shape of the JSON API, `{ error: { code, message } }`, and helpers that make it. */
import type { z } from "zod";

export const ERROR_CODES = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  422: "unprocessable",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  500: "internal_error",
  503: "service_unavailable",
} as const;

export type ErrorStatus = keyof typeof ERROR_CODES;

// APIs never get cached by a browser or shared cache, and never content-sniffed.
export const API_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(API_HEADERS)) if (!headers.has(name)) headers.set(name, value);
  return Response.json(body, { ...init, headers });
}

export function jsonError(
  status: ErrorStatus,
  message: string,
  options: { code?: string; headers?: HeadersInit } = {},
): Response {
  return jsonResponse(
    { error: { code: options.code ?? ERROR_CODES[status], message } },
    { status, headers: options.headers },
  );
}

/** 405 in the error shape, with the `Allow` header naming what the endpoint does accept. */
export function methodNotAllowed(allow: readonly string[]): Response {
  return jsonError(405, `This endpoint accepts ${allow.join(", ")}.`, { headers: { Allow: allow.join(", ") } });
}

/**
 * The error tail of a public endpoint (one without the guard: health, version, the configs, the
 * OpenAPI document, webhooks): an ApiError it throws leaves in the error shape.
 */
export function publicEndpoint<Args>(handler: (args: Args) => Response | Promise<Response>) {
  return async (args: Args): Promise<Response> => {
    try {
      return await handler(args);
    } catch (error) {
      if (error instanceof ApiError) return error.toResponse();
      throw error;
    }
  };
}

export const isApiPath = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/");

/** Thrown by services and the guard; the guard turns it into the error shape. */
export class ApiError extends Error {
  readonly code: string;
  readonly headers?: HeadersInit;
  constructor(
    readonly status: ErrorStatus,
    message: string,
    /** `cause`: what really went wrong, for the logs; clients see only `message`. */
    options: { code?: string; headers?: HeadersInit; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.code = options.code ?? ERROR_CODES[status];
    this.headers = options.headers;
  }

  toResponse(extraHeaders: HeadersInit = {}): Response {
    const headers = new Headers(extraHeaders);
    for (const [name, value] of new Headers(this.headers)) headers.set(name, value);
    return jsonError(this.status, this.message, { code: this.code, headers });
  }
}

/**
 * The request body as text, refusing more than `maxBytes` (413) without buffering it: the
 * declared Content-Length is checked first, then the bytes actually read.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, maxBytes));
}

/** The request body's bytes, refusing more than `maxBytes` (413) as soon as they are exceeded. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new ApiError(413, `The request body exceeds ${maxBytes} bytes.`);
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** `sources[2].type: expected "adblock" | "hosts"` — the path a user can find in their JSON. */
export function describeIssues(error: Pick<z.ZodError, "issues">): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (text, part) =>
          typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part),
        "",
      );
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** Query parameters checked by a schema; a bad one is a 400 naming it. */
export function parseQuery<T>(request: Request, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new ApiError(400, describeIssues(parsed.error), { code: "invalid_query" });
  return parsed.data;
}
