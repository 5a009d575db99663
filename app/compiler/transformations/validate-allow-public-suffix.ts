import { validateRules } from "./validate";

/** Like `Validate`, but a rule may block a whole (real) public suffix such as `||org^`. */
export function validateAllowPublicSuffix(lines: readonly string[]): string[] {
  return validateRules(lines, { allowIp: false, allowPublicSuffix: true });
}
