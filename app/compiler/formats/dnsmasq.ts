import type { HostFormat } from "./host-list";

/**
 * dnsmasq configuration: `address=/host/` answers NXDOMAIN for the name and every name below it,
 * like `||host^`; dnsmasq has no entry for a name alone.
 */
export const dnsmasq: HostFormat = {
  format: "dnsmasq",
  comment: "#",
  exact: null,
  subtree: [{ before: "address=/", after: "/" }],
};
