/** Words for published lists' pages (no server code: the browser bundle uses it). */

/** How often, in words: 1440 → "daily", 60 → "hourly". */
export function everyText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "daily" : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "hourly" : `every ${minutes / 60} hours`;
  return `every ${minutes} minutes`;
}

/** One line per blocker on where a subscribe URL goes. */
export const SUBSCRIBE_HOW_TO = [
  {
    blocker: "Pi-hole",
    format: "hosts",
    how: "Settings → Adlists (Lists) → paste the URL → Add, then run `pihole -g`.",
  },
  {
    blocker: "AdGuard Home",
    format: "adguard-home",
    how: "Filters → DNS blocklists → Add blocklist → Add a custom list → paste the URL.",
  },
  {
    blocker: "uBlock Origin",
    format: "adblock",
    how: "Dashboard → Filter lists → Import… (at the bottom) → paste the URL → Apply changes.",
  },
] as const;
