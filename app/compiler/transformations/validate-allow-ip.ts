import type { StepObserver } from "../explain";
import { normalizeIpRules } from "../ip-pattern";
import type { LineList } from "../line-list";
import { validateRules } from "./validate";

/** Like `Validate`, but IP addresses and `||a.b.c.` subnets may stay (incomplete IP rules are normalized first). */
export function validateAllowIp(lines: LineList, observer?: StepObserver): LineList {
  return validateRules(normalizeIpRules(lines), { allowIp: true, allowPublicSuffix: false }, observer);
}
