import type { StepObserver } from "../explain";
import { normalizeIpRules } from "../ip-pattern";
import type { LineList } from "../line-list";
import { validateRules } from "./validate";

/** `ValidateAllowIp` and `ValidateAllowPublicSuffix` together. */
export function validateAllowIpAndPublicSuffix(lines: LineList, observer?: StepObserver): LineList {
  return validateRules(normalizeIpRules(lines), { allowIp: true, allowPublicSuffix: true }, observer);
}
