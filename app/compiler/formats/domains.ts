import type { HostFormat } from "./host-list";

/** A domain list (Pi-hole and most DNS blockers): one name a line, `#` comments, exact names. */
export const domains: HostFormat = {
  format: "domains",
  comment: "#",
  exact: [{ before: "", after: "" }],
  subtree: null,
};
