/**
 * The compile's error taxonomy: what a failure is called to the API caller (status and code), in
 * analytics, and whether an async job should try again.
 */
import { CompileTooLargeError, ConfigurationError, InvalidPatternError, SourceError } from "~/compiler";
import { describeError } from "./analytics.server";
import { ApiError } from "./http.server";
import { SourceFetchError } from "./sources.server";

/** What went wrong with a compile, as the API says it; unknown errors pass through unchanged. */
export function explainCompileError(error: unknown): unknown {
  if (error instanceof SourceFetchError) {
    const status = error.code === "source_too_large" ? 413 : 422;
    return new ApiError(status, error.message, { code: error.code });
  }
  if (error instanceof SourceError) return new ApiError(422, error.message, { code: "source_error" });
  if (error instanceof CompileTooLargeError) return new ApiError(413, error.message, { code: "compile_too_large" });
  if (error instanceof ConfigurationError || error instanceof InvalidPatternError) {
    return new ApiError(400, `Invalid configuration: ${error.message}`, { code: "invalid_configuration" });
  }
  return error;
}

/**
 * What a failure is called in analytics: the API's code for known errors (their messages may name
 * a user's source URL, which can carry a token), `internal_error` otherwise.
 */
export function failureCode(error: unknown): string {
  const explained = explainCompileError(error);
  return explained instanceof ApiError ? explained.code : "internal_error";
}

/** For the logs of an unexpected failure only: a known one is described by its code. */
export function internalReason(error: unknown): string | undefined {
  return failureCode(error) === "internal_error" ? describeError(error).split("\n")[0] : undefined;
}

/**
 * Whether trying again later could help: network trouble yes; a bad configuration, a refused URL
 * or a compile over its budget no.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof SourceFetchError) return error.retriable;
  if (error instanceof ApiError) return error.status >= 500;
  return !(
    error instanceof ConfigurationError ||
    error instanceof InvalidPatternError ||
    error instanceof SourceError ||
    error instanceof CompileTooLargeError
  );
}
