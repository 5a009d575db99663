import type { GuardOptions } from "~/services/guard.server";
import { compileBody, MAX_COMPILE_BODY_BYTES } from "./schemas";

/** /api/compile and /api/compile/stream take the same callers, scope, Turnstile check and body. */
export const compileGuardOptions = {
  auth: "optional",
  scope: "compile",
  turnstile: true,
  body: compileBody,
  maxBodyBytes: MAX_COMPILE_BODY_BYTES,
} satisfies GuardOptions<unknown>;
