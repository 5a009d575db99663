import type { FormatContext } from "./context";
import type { HostFormat } from "./host-list";

/** Seconds: how long resolvers may cache the zone's answers and its absence of answers. */
const RPZ_TTL_SECONDS = 300;
/** SOA timers for secondaries (refresh 1 h, retry 10 min, expire 1 week), BIND's usual values. */
const RPZ_SOA_TIMERS = "3600 600 604800";

/**
 * A DNS Response Policy Zone (BIND, Knot Resolver, PowerDNS Recursor, Unbound): `host CNAME .`
 * answers NXDOMAIN for the name, `*.host CNAME .` for the names below it, so both `||host^` and a
 * name alone can be said. Names are relative to the zone's origin, which the server's
 * configuration names. Comments start with `;`.
 */
export const rpz: HostFormat = {
  format: "rpz",
  comment: ";",
  preamble: (context: FormatContext) => [
    `$TTL ${RPZ_TTL_SECONDS}`,
    `@ IN SOA localhost. hostmaster.localhost. ${rpzSerial(context.lastModified)} ${RPZ_SOA_TIMERS} ${RPZ_TTL_SECONDS}`,
    "@ IN NS localhost.",
  ],
  exact: [{ before: "", after: " CNAME ." }],
  subtree: [
    { before: "", after: " CNAME ." },
    { before: "*.", after: " CNAME ." },
  ],
};

/** The zone's serial: the compile time in seconds, so each new list is newer for secondaries (32 bits until 2106). */
function rpzSerial(lastModified: Date): number {
  return Math.floor(lastModified.getTime() / 1000) >>> 0;
}
