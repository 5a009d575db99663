/** Modifiers that narrow a rule to some clients or domains, so blocking a whole public suffix is fine. */
export const LIMITING_MODIFIERS = new Set(["denyallow", "badfilter", "client"]);

/** The modifiers DNS-level blockers understand; a rule with any other one is dropped. */
export const SUPPORTED_MODIFIERS = new Set([
  "important",
  "~important",
  "dnstype",
  "dnsrewrite",
  "ctag",
  ...LIMITING_MODIFIERS,
]);
