import type { HostFormat } from "./host-list";

/**
 * Unbound configuration, to `include:` (it opens the `server:` clause itself, so it also checks on
 * its own): `local-zone: "host." always_nxdomain` answers NXDOMAIN for the zone, subdomains
 * included, like `||host^`.
 */
export const unbound: HostFormat = {
  format: "unbound",
  comment: "#",
  preamble: () => ["server:"],
  exact: null,
  subtree: [{ before: 'local-zone: "', after: '." always_nxdomain' }],
};
