/** The one error shape of the JSON API, `{ error: { code, message } }`, and helpers that make it. */

export const ERROR_CODES = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
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

export const isApiPath = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/");
