import { normalizeIpRules } from "../ip-pattern";
import type { LineList } from "../line-list";
import { validateRules } from "./validate";

/** Like `Validate`, but IP addresses and `||a.b.c.` subnets may stay (incomplete IP rules are normalized first). */
export function validateAllowIp(lines: LineList): LineList {
  return validateRules(normalizeIpRules(lines), { allowIp: true, allowPublicSuffix: false });
}
