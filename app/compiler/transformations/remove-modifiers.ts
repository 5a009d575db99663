import type { StepObserver } from "../explain";
import type { LineList } from "../line-list";
import { adblockRuleToString, isComment, parseAdblockRule } from "../rule";

/** Modifiers that make no sense for a DNS-level blocker. */
const REMOVED_MODIFIERS = new Set(["third-party", "3p", "all", "document", "doc", "popup", "network"]);

/**
 * Removes `$third-party`, `$3p`, `$all`, `$document`, `$doc`, `$popup` and `$network` from rules.
 * Every line is trimmed and every rule with modifiers is re-serialized the way the reference does it
 * (empty modifiers dropped, `\,` unescaped, a value cut at a second `=`).
 */
export function removeModifiers(lines: LineList, observer?: StepObserver): LineList {
  if (!observer) return lines.map(withoutRemovedModifiers);
  return lines.map((line) => {
    const changed = withoutRemovedModifiers(line);
    if (changed !== line.trim()) observer.changed(line, changed, "modifier_removed");
    return changed;
  });
}

function withoutRemovedModifiers(line: string): string {
  const text = line.trim();
  // without `$` there is nothing to remove; this also keeps a lone `@@`, where the reference crashes
  if (text === "" || isComment(text) || !text.includes("$")) return text;
  const rule = parseAdblockRule(text);
  if (!rule) return text;
  const options = rule.options?.filter((option) => !REMOVED_MODIFIERS.has(option.name)) ?? null;
  return adblockRuleToString({ ...rule, options });
}
