import { normalizeIpRules } from "../ip-pattern";
import { validateRules } from "./validate";

/** `ValidateAllowIp` and `ValidateAllowPublicSuffix` together. */
export function validateAllowIpAndPublicSuffix(lines: readonly string[]): string[] {
  return validateRules(normalizeIpRules(lines), { allowIp: true, allowPublicSuffix: true });
}
