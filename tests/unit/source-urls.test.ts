import { describe, expect, it } from "vitest";
import { checkSourceUrl, classifyHostname, parseIpv4, parseIpv6 } from "~/services/source-urls";

describe("checkSourceUrl: allowed", () => {
  it.each([
    ["https://easylist.to/easylist/easylist.txt", "a public list"],
    ["http://example.com/hosts", "plain http"],
    ["https://example.com:8443/list.txt", "a non-default port on a public host"],
    ["http://8.8.8.8/list", "a public IPv4 address"],
    ["http://[2606:4700:4700::1111]/list", "a global unicast IPv6 address"],
    ["HTTPS://Example.COM./list", "upper case and a trailing dot"],
    ["http://100.63.255.255/", "just below shared address space"],
    ["http://100.128.0.0/", "just above shared address space"],
    ["http://172.32.0.1/", "just above 172.16/12"],
    ["http://169.255.0.1/", "just above link-local"],
    ["http://metadata.example.com/", "a public name that merely contains 'metadata'"],
    ["http://localhost.example.com/", "a public name that merely starts with 'localhost'"],
  ])("%s (%s)", (url) => {
    const result = checkSourceUrl(url);
    expect(result).toMatchObject({ ok: true });
  });
});

describe("checkSourceUrl: refused", () => {
  it.each([
    // scheme
    ["file:///etc/passwd", "scheme"],
    ["ftp://example.com/list.txt", "scheme"],
    ["data:text/plain,||ads.example^", "scheme"],
    ["javascript:alert(1)", "scheme"],
    ["ws://example.com/", "scheme"],
    ["gopher://example.com/", "scheme"],
    // not a URL
    ["example.com/list.txt", "invalid_url"],
    ["http://exa mple.com/", "invalid_url"],
    ["http://1.2.3.4.5/", "invalid_url"],
    ["http://256.0.0.1/", "invalid_url"],
    ["http://[fe80::1%25eth0]/", "invalid_url"],
    // credentials
    ["http://user:pass@example.com/list", "credentials"],
    ["http://user@example.com/list", "credentials"],
    ["https://:secret@example.com/", "credentials"],
    // localhost and internal names
    ["http://localhost/", "localhost"],
    ["http://localhost:8080/", "localhost"],
    ["http://LOCALHOST./", "localhost"],
    ["http://api.localhost/", "localhost"],
    ["http://\u24DBocalhost/", "localhost"],
    ["http://metadata/", "metadata"],
    ["http://metadata.google.internal/computeMetadata/v1/", "metadata"],
    ["http://metadata.google.internal./", "metadata"],
    ["http://instance-data/latest/", "metadata"],
    ["http://db.internal/", "internal_name"],
    ["http://printer.local/", "internal_name"],
    ["http://nas.home.arpa/", "internal_name"],
    ["http://intranet/", "internal_name"],
    // IPv4, including what URL parsing normalises
    ["http://127.0.0.1/", "loopback"],
    ["http://127.255.255.254:9000/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://017700000001/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://%31%32%37.0.0.1/", "loopback"],
    ["http://0/", "unspecified"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://10.0.0.1/", "private"],
    ["http://172.16.0.1/", "private"],
    ["http://172.31.255.255/", "private"],
    ["http://192.168.1.1/", "private"],
    ["http://100.64.0.1/", "shared"],
    ["http://100.100.100.200/", "shared"],
    ["http://169.254.169.254/latest/meta-data/", "metadata"],
    ["http://0xa9fea9fe/", "metadata"],
    ["http://169.254.1.1/", "link_local"],
    ["http://224.0.0.1/", "multicast"],
    ["http://239.255.255.250/", "multicast"],
    ["http://255.255.255.255/", "reserved"],
    ["http://240.0.0.1/", "reserved"],
    ["http://192.0.0.192/", "reserved"],
    ["http://192.0.2.1/", "reserved"],
    ["http://198.18.0.1/", "reserved"],
    ["http://203.0.113.9/", "reserved"],
    // IPv6
    ["http://[::1]/", "loopback"],
    ["http://[0:0:0:0:0:0:0:1]/", "loopback"],
    ["http://[::]/", "unspecified"],
    ["http://[::ffff:127.0.0.1]/", "ipv4_mapped"],
    ["http://[::ffff:7f00:1]/", "ipv4_mapped"],
    ["http://[0:0:0:0:0:ffff:a9fe:a9fe]/", "ipv4_mapped"],
    ["http://[::ffff:8.8.8.8]/", "ipv4_mapped"],
    ["http://[::127.0.0.1]/", "ipv4_embedded"],
    ["http://[64:ff9b::7f00:1]/", "ipv4_embedded"],
    ["http://[2002:7f00:1::]/", "ipv4_embedded"],
    ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "ipv4_embedded"],
    ["http://[fc00::1]/", "unique_local"],
    ["http://[fd00:ec2::254]/", "unique_local"],
    ["http://[fe80::1]/", "link_local"],
    ["http://[febf::1]/", "link_local"],
    ["http://[ff02::1]/", "multicast"],
    ["http://[2001:db8::1]/", "reserved"],
    ["http://[100::1]/", "reserved"],
  ])("%s → %s", (url, reason) => {
    const result = checkSourceUrl(url);
    expect(result).toMatchObject({ ok: false, reason });
  });
});

describe("refusal messages", () => {
  it("name the host but never credentials, query strings or fragments", () => {
    const result = checkSourceUrl("ftp://alice:hunter2@example.com/list.txt?token=abc#frag");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("ftp://example.com/list.txt");
    expect(result.message).not.toMatch(/alice|hunter2|token|abc|frag/);
  });

  it("explain the address class", () => {
    const result = checkSourceUrl("http://169.254.169.254/latest/meta-data/");
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("cloud metadata") });
  });
});

describe("allowed private hosts", () => {
  const allowedPrivateHosts = ["127.0.0.1:8790", "[::1]:8791", "LocalHost:3000"];

  it.each([
    ["http://127.0.0.1:8790/list.txt", "an IPv4 entry"],
    ["http://[::1]:8791/list.txt", "an IPv6 entry"],
    ["http://localhost:3000/", "entries are case-insensitive"],
    ["http://2130706433:8790/", "URL normalisation applies before matching"],
  ])("%s is allowed when listed (%s)", (url) => {
    expect(checkSourceUrl(url, { allowedPrivateHosts })).toMatchObject({ ok: true });
  });

  it.each([
    ["http://127.0.0.1:8791/", "loopback", "another port"],
    ["http://127.0.0.1/", "loopback", "the default port"],
    ["http://127.0.0.2:8790/", "loopback", "another loopback address"],
    ["http://localhost:8790/", "localhost", "another name for the same host"],
    ["http://[::1]:8790/", "loopback", "the IPv6 loopback on the IPv4 entry's port"],
  ])("%s → %s (%s)", (url, reason) => {
    expect(checkSourceUrl(url, { allowedPrivateHosts })).toMatchObject({ ok: false, reason });
  });

  it("still refuses credentials and other schemes on a listed host", () => {
    expect(checkSourceUrl("http://u:p@127.0.0.1:8790/", { allowedPrivateHosts })).toMatchObject({
      reason: "credentials",
    });
    expect(checkSourceUrl("ftp://127.0.0.1:8790/", { allowedPrivateHosts })).toMatchObject({ reason: "scheme" });
  });

  it("matches the https default port when no port is written", () => {
    expect(checkSourceUrl("https://10.0.0.5/", { allowedPrivateHosts: ["10.0.0.5:443"] })).toMatchObject({ ok: true });
    expect(checkSourceUrl("http://10.0.0.5/", { allowedPrivateHosts: ["10.0.0.5:443"] })).toMatchObject({
      ok: false,
      reason: "private",
    });
  });
});

describe("hostname classification without URL normalisation", () => {
  it.each([
    ["2130706433", "loopback"],
    ["0x7f.1", "loopback"],
    ["017700000001", "loopback"],
    ["0x7f000001", "loopback"],
    ["0177.0.0.1", "loopback"],
    ["127.0.0.1.", "loopback"],
    ["0xA9FEA9FE", "metadata"],
    ["3232235777", "private"],
    ["1.2.3.4.5", "invalid"],
    ["09.1.1.1", "invalid"],
    ["0x100000000", "invalid"],
    ["[::ffff:127.0.0.1]", "ipv4_mapped"],
    ["[fe80::1%eth0]", "invalid"],
    ["[::1::2]", "invalid"],
    ["example.com", "public"],
  ])("%s → %s", (hostname, expected) => {
    expect(classifyHostname(hostname)).toBe(expected);
  });

  it("parses every inet_aton form to the same address", () => {
    const loopback = 0x7f000001;
    for (const form of ["127.0.0.1", "2130706433", "0x7f.1", "017700000001", "0x7f.0.0x0.01", "127.1", "127.0.1"]) {
      expect(parseIpv4(form), form).toBe(loopback);
    }
    expect(parseIpv4("example.com")).toBeNull();
    expect(parseIpv4("1.256.0.0")).toBeNull();
  });

  it("parses IPv6 with :: and a dotted tail", () => {
    expect(parseIpv6("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIpv6("2001:db8::1")).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(parseIpv6("1:2:3:4:5:6:7::8")).toBeNull();
  });
});
