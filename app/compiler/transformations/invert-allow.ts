import type { LineList } from "../line-list";
import { isAllowRule, isComment, isEtcHostsRule } from "../rule";

/** Turns every blocking rule into an exception (`@@` prefix); /etc/hosts lines are left alone. */
export function invertAllow(lines: LineList): LineList {
  return lines.map((line) =>
    line && !isComment(line) && !isEtcHostsRule(line) && !isAllowRule(line) ? `@@${line}` : line,
  );
}
