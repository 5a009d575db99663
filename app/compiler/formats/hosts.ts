import type { HostFormat } from "./host-list";

/**
 * `/etc/hosts`: `0.0.0.0 host`, one name a line, `#` comments. An entry is for that name alone
 * (the resolver looks names up exactly), so `||host^` loses its subdomains.
 */
export const hosts: HostFormat = {
  format: "hosts",
  comment: "#",
  exact: [{ before: "0.0.0.0 ", after: "" }],
  subtree: null,
};
