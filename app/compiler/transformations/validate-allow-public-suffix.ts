import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { validateRules } from "./validate";

/** Like `Validate`, but a rule may block a whole (real) public suffix such as `||org^`. */
export function validateAllowPublicSuffix(lines: LineList, observer?: StepObserver): LineList {
  return validateRules(lines, { allowIp: false, allowPublicSuffix: true }, observer);
}
