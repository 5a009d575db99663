import { describe, expect, it } from "vitest";
import { ipNetwork, principalBucket } from "~/services/rate-limit.server";

describe("ipNetwork: what an anonymous caller's per-IP limit counts", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["2001:db8:1:2::", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1:2:3:4", "fe80:0:0:0::/64"],
    ["::ffff:198.51.100.9", "198.51.100.9"],
    ["unknown", "unknown"],
  ])("%s → %s", (ip, network) => {
    expect(ipNetwork(ip)).toBe(network);
  });

  it("every address of one /64 shares one anonymous bucket; another /64 has its own", () => {
    const buckets = new Set(
      Array.from({ length: 30 }, (_, i) => principalBucket({ ip: `2001:db8:aa:bb:${i.toString(16)}::${i + 1}` })),
    );
    expect([...buckets]).toEqual(["ratelimit:ip:2001:db8:aa:bb::/64"]);
    expect(principalBucket({ ip: "2001:db8:aa:bc::1" })).toBe("ratelimit:ip:2001:db8:aa:bc::/64");
  });

  it("signed-in callers count per user, wherever they are", () => {
    expect(principalBucket({ userId: "u1", ip: "2001:db8::1" })).toBe("ratelimit:user:u1");
  });
});
