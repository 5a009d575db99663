import { isAllowRule, isComment, isEtcHostsRule } from "../rule";

/** Turns every blocking rule into an exception (`@@` prefix); /etc/hosts lines are left alone. */
export function invertAllow(lines: readonly string[]): string[] {
  return lines.map((line) =>
    line && !isComment(line) && !isEtcHostsRule(line) && !isAllowRule(line) ? `@@${line}` : line,
  );
}
